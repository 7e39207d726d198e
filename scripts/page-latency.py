#!/usr/bin/env python3
"""Median and p99 latency of web pages next to the API calls behind them.

Usage: scripts/page-latency.py BASE_URL STARTUP_EMAIL PASSWORD [REQUESTS]

One client on one kept-alive connection, so the figures are the server's
time per request (rendering included), not queueing. Each page is timed
beside the JSON endpoint that runs the same operation, in the same run.
"""
import http.client
import json
import re
import statistics
import sys
import time
import urllib.parse


def main():
    base, email, password = sys.argv[1:4]
    requests = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    host = urllib.parse.urlparse(base).netloc
    connection = http.client.HTTPConnection(host, timeout=30)
    cookies = {}

    def send(method, path, body=None, headers=None):
        headers = dict(headers or {})
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                cookies[key] = val
        return response.status, data

    send("GET", "/login", headers={"Accept": "text/html"})
    form = urllib.parse.urlencode(
        {"csrf": cookies["defmatch_csrf"], "email": email, "password": password}
    )
    status, _ = send(
        "POST", "/login", body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
    )
    assert status == 303, status
    # The same user through the API, for the side-by-side calls.
    status, body = send(
        "POST", "/api/v1/auth/login",
        body=json.dumps({"email": email, "password": password}),
        headers={"Content-Type": "application/json"},
    )
    token = json.loads(body)["access_token"]
    status, body = send("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    startup_id = json.loads(body)["startup_id"]
    bearer = {"Authorization": f"Bearer {token}"}
    html = {"Accept": "text/html"}

    cases = [
        ("page  GET /challenges?q=drone", "/challenges?q=drone", html),
        ("API   GET /api/v1/search/challenges?q=drone&status=open,published", "/api/v1/search/challenges?q=drone&status=open,published", bearer),
        ("page  GET /matches", "/matches", html),
        ("API   GET /api/v1/startups/{id}/matches", f"/api/v1/startups/{startup_id}/matches", bearer),
        ("page  GET /", "/", html),
    ]
    for label, path, headers in cases:
        for _ in range(20):  # warm-up
            send("GET", path, headers=headers)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            status, _ = send("GET", path, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            assert status == 200, (path, status)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"{label:70s} p50 {statistics.median(times):6.2f} ms  p99 {p99:6.2f} ms  ({requests} requests)")


if __name__ == "__main__":
    main()
