#!/usr/bin/env python3
"""Clients for scripts/production-drill.sh: logins, mixed HTTPS load, checks (stdlib only).

  drill-load.py login  --base URL --email E [--source-address A] [--forwarded-for X]
  drill-load.py load   --base URL --tokens F --acked F --clients C --seconds S [--stop-file F]
  drill-load.py write  --base URL --tokens F            # one write; prints "id marker"
  drill-load.py introduce --base URL --tokens F        # a ROM officer proposes a start-up
  drill-load.py verify --tokens F --acked F --database-url U --replica URL [--replica URL ...]
  drill-load.py ready  --base URL --seconds S [--pid P]   # waits for /readyz 200
  drill-load.py edge   --base URL                      # what nginx adds: HTTP/2, HSTS, cache, limits

Every URL must point at 127.0.0.1 (the drill talks to nothing else). `--cafile` names the
certificate an https URL is checked against. `load` prints one JSON object; every write it got a
2xx for is appended to the `--acked` file as "id marker", so that `verify` can check, afterwards,
that each one is in PostgreSQL and found by search on every replica.
"""

import argparse
import json
import os
import random
import secrets
import socket
import ssl
import subprocess
import sys
import threading
import time
import http.client
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, quote

PASSWORD = "defmatch-demo"
# How sending on a kept-alive connection fails when the other end closed it before reading
CLOSED_WHILE_IDLE = (http.client.RemoteDisconnected, ssl.SSLEOFError, ConnectionResetError,
                     BrokenPipeError)
TIMEOUT = 30  # seconds per request; the drill's nginx gives up on an upstream before this


class Client:
    """One keep-alive connection to a base URL (http or https on 127.0.0.1)."""

    def __init__(self, base, cafile=None, source_address=None):
        parts = urlsplit(base)
        if parts.hostname != "127.0.0.1":
            sys.exit(f"drill-load: refusing {base}: the drill talks to 127.0.0.1 only")
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.cafile, self.source_address = cafile, source_address
        self.connection = None
        self.last_headers = {}
        self.reused = False  # whether a response came back on the connection already
        self.reconnects = 0

    def _connect(self):
        source = (self.source_address, 0) if self.source_address else None
        if self.scheme == "https":
            context = ssl.create_default_context(cafile=self.cafile)
            # the drill's certificate names 127.0.0.1 (subjectAltName IP), which is checked
            self.connection = http.client.HTTPSConnection(
                self.host, self.port, timeout=TIMEOUT, context=context, source_address=source)
        else:
            self.connection = http.client.HTTPConnection(
                self.host, self.port, timeout=TIMEOUT, source_address=source)

    def request(self, method, path, body=None, token=None, headers=None):
        """-> (status, parsed JSON or raw bytes); raises OSError/HTTPException on a broken connection."""
        if self.connection is None:
            self._connect()
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, body=data, headers=sent)
            response = self.connection.getresponse()
        except CLOSED_WHILE_IDLE:
            if not self.reused:
                self.close()
                raise
            # A kept-alive connection the proxy closed while it was idle (nginx does so when it
            # reloads): the request never reached it. Browsers send it again on a new
            # connection, and so does this client, once; `reconnects` counts it.
            self.close()
            self.reconnects += 1
            self._connect()
            return self.request(method, path, body, token, headers)
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        try:
            raw = response.read()
            self.last_headers = response.headers
            self.reused = True
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.getheader("Content-Type", "").startswith("application/json"):
            return response.status, json.loads(raw)
        return response.status, raw

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        self.reused = False


# --- login -------------------------------------------------------------------------------

def log_in(client, email, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else None
    status, body = client.request("POST", "/api/v1/auth/login",
                                  {"email": email, "password": PASSWORD}, headers=headers)
    if status != 200:
        sys.exit(f"drill-load: login of {email} answered {status}: {body!r:.200}")
    return body["access_token"]


def command_login(args):
    client = Client(args.base, args.cafile, args.source_address)
    print(log_in(client, args.email, args.forwarded_for))


# --- writes and reads ----------------------------------------------------------------------

def new_marker():
    # one made-up word per write, so that a search for it finds exactly this record
    return "drill" + secrets.token_hex(6)


def write_challenge(client, token):
    """Creates a draft challenge; -> (status, id or None, marker)."""
    marker = new_marker()
    status, body = client.request("POST", "/api/v1/challenges", {
        "title": f"Drill record {marker}",
        "summary": f"Written by the production drill ({marker}) to prove that no write is lost.",
        "description": f"A record of the production drill. Its marker is {marker}.",
        "technologies": ["imaging-sensing"],
        "keywords": [marker],
        "trl_min": 3,
        "trl_max": 6,
        "visibility": "public",
    }, token=token)
    record_id = body.get("id") if status == 201 and isinstance(body, dict) else None
    return status, record_id, marker


# (name, weight, path, token key): the reads of the mix, by weight
READS = [
    ("search anonymous", 4, "/api/v1/search/challenges?q=drone&per_page=10", None),
    ("challenges as procurement", 3, "/api/v1/challenges?per_page=10", "procurement"),
    ("me as start-up", 2, "/api/v1/me", "startup"),
    ("search as start-up", 2, "/api/v1/search/challenges?q=sensor&per_page=10", "startup"),
    ("home page", 1, "/", None),
    ("stylesheet", 1, "/assets/app.css", None),
]
WRITE_SHARE = 0.25


class Tally:
    def __init__(self, acked_path):
        self.lock = threading.Lock()
        self.counts = {"requests": 0, "reads": 0, "reads_failed": 0, "writes": 0,
                       "writes_acked": 0, "writes_failed": 0, "reconnects": 0}
        self.failures = []
        self.latencies = []
        self.acked = open(acked_path, "a", encoding="utf-8")

    def add(self, kind, ok, what, seconds, record=None):
        with self.lock:
            self.counts["requests"] += 1
            self.counts[kind + "s"] += 1
            self.latencies.append(seconds)
            if not ok:
                self.counts[kind + "s_failed"] += 1
                if len(self.failures) < 10:
                    self.failures.append(what)
            elif record:
                self.counts["writes_acked"] += 1
                self.acked.write(f"{record[0]} {record[1]}\n")
                self.acked.flush()


def client_loop(seed, args, tokens, tally, deadline):
    rng = random.Random(seed)
    client = Client(args.base, args.cafile)
    total_weight = sum(weight for _, weight, _, _ in READS)
    while time.monotonic() < deadline and not stop_requested(args.stop_file):
        started = time.monotonic()
        if rng.random() < WRITE_SHARE:
            token = tokens["procurement"]
            try:
                status, record_id, marker = write_challenge(client, token)
                ok = status == 201 and record_id is not None
                what = f"POST /api/v1/challenges -> {status}"
            except (OSError, http.client.HTTPException) as error:
                ok, record_id, marker, what = False, None, None, f"POST /api/v1/challenges -> {error!r}"
            tally.add("write", ok, what, time.monotonic() - started,
                      (record_id, marker) if ok else None)
        else:
            pick = rng.uniform(0, total_weight)
            for name, weight, path, token_key in READS:
                pick -= weight
                if pick <= 0:
                    break
            try:
                status, _ = client.request("GET", path, token=tokens.get(token_key) if token_key else None)
                ok, what = 200 <= status < 300, f"GET {path} ({name}) -> {status}"
            except (OSError, http.client.HTTPException) as error:
                ok, what = False, f"GET {path} ({name}) -> {error!r}"
            tally.add("read", ok, what, time.monotonic() - started)
        time.sleep(args.think_ms / 1000)
    client.close()
    with tally.lock:
        tally.counts["reconnects"] += client.reconnects


def stop_requested(path):
    if not path:
        return False
    try:
        with open(path, encoding="utf-8"):
            return True
    except OSError:
        return False


def command_load(args):
    tokens = read_tokens(args.tokens)
    tally = Tally(args.acked)
    started = time.monotonic()
    deadline = started + args.seconds
    threads = [threading.Thread(target=client_loop, args=(n, args, tokens, tally, deadline))
               for n in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.acked.close()
    latencies = sorted(tally.latencies) or [0.0]
    report = dict(tally.counts)
    report["failed"] = report["reads_failed"] + report["writes_failed"]
    report["seconds"] = round(time.monotonic() - started, 1)
    report["p50_ms"] = round(latencies[len(latencies) // 2] * 1000, 1)
    report["p99_ms"] = round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1)
    report["max_ms"] = round(latencies[-1] * 1000, 1)
    report["failures"] = tally.failures
    print(json.dumps(report))


def command_write(args):
    tokens = read_tokens(args.tokens)
    status, record_id, marker = write_challenge(Client(args.base, args.cafile), tokens["procurement"])
    if status != 201 or record_id is None:
        sys.exit(f"drill-load: the write answered {status}")
    print(record_id, marker)


def command_introduce(args):
    """The demo's ROM InWest officer proposes Zaanwind Energy for a microgrid challenge."""
    tokens = read_tokens(args.tokens)
    client = Client(args.base, args.cafile)
    status, startups = client.request("GET", "/api/v1/startups?q=Zaanwind", token=tokens["rom"])
    if status != 200 or not startups["items"]:
        sys.exit(f"drill-load: no start-up Zaanwind for the ROM officer ({status})")
    status, found = client.request("GET", "/api/v1/search/challenges?q=microgrids&per_page=1")
    if status != 200 or not found["items"]:
        sys.exit(f"drill-load: no microgrid challenge ({status})")
    status, body = client.request("POST", "/api/v1/introductions", {
        "challenge_id": found["items"][0]["challenge"]["id"],
        "startup_id": startups["items"][0]["id"],
        "message": "Proposed by the production drill.",
    }, token=tokens["rom"])
    if status != 201:
        sys.exit(f"drill-load: the introduction answered {status}: {body!r:.200}")
    print(body["id"])


# --- verification --------------------------------------------------------------------------

def command_verify(args):
    """Every acknowledged write is a row in PostgreSQL and found by search on every replica."""
    tokens = read_tokens(args.tokens)
    with open(args.acked, encoding="utf-8") as acked_file:
        acked = [line.split() for line in acked_file if line.strip()]
    ids = [record_id for record_id, _ in acked]
    in_database = set()
    if ids:
        query = ("SELECT id FROM challenges WHERE id IN ("
                 + ",".join(f"'{record_id}'" for record_id in ids) + ")")
        output = subprocess.run(["psql", "-X", "-w", "-q", "-tA", "-v", "ON_ERROR_STOP=1",
                                 "-d", args.database_url, "-f", "-"],
                                input=query, capture_output=True, text=True, check=True).stdout
        in_database = set(output.split())
    missing_in_database = [record_id for record_id in ids if record_id not in in_database]

    def found_on(replica, record_id, marker):
        client = Client(replica)
        deadline = time.monotonic() + args.wait_seconds
        while True:
            status, body = client.request(
                "GET", f"/api/v1/search/challenges?q={quote(marker)}&per_page=10", token=tokens["admin"])
            if status == 200 and any(item["challenge"]["id"] == record_id for item in body["items"]):
                client.close()
                return True
            if time.monotonic() > deadline:
                client.close()
                return False
            time.sleep(0.2)

    not_searchable = {}
    for replica in args.replica:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda pair: found_on(replica, *pair), acked))
        not_searchable[replica] = [acked[n][0] for n, found in enumerate(results) if not found]
    report = {
        "acked": len(acked),
        "missing_in_database": len(missing_in_database),
        "not_searchable": {replica: len(missed) for replica, missed in not_searchable.items()},
        "examples": (missing_in_database + [m for missed in not_searchable.values() for m in missed])[:5],
    }
    print(json.dumps(report))
    lost = missing_in_database or any(not_searchable.values())
    sys.exit(1 if lost else 0)


def command_ready(args):
    """Waits until /readyz answers 200; fails early if the process `--pid` exits."""
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        if args.pid:
            try:
                os.kill(args.pid, 0)
            except OSError:
                sys.exit(f"drill-load: process {args.pid} exited before it was ready")
        client = Client(args.base, args.cafile)
        try:
            status, _ = client.request("GET", "/readyz")
            if status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            client.close()
        time.sleep(0.2)
    sys.exit(f"drill-load: {args.base} was not ready within {args.seconds} s")


def command_edge(args):
    """Prints what the TLS proxy in front does, as one JSON object."""
    parts = urlsplit(args.base)
    context = ssl.create_default_context(cafile=args.cafile)
    context.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT) as raw:
        with context.wrap_socket(raw, server_hostname=parts.hostname) as tls:
            alpn, tls_version = tls.selected_alpn_protocol(), tls.version()
    client = Client(args.base, args.cafile)
    cache = []
    for _ in range(2):
        client.request("GET", "/assets/app.css")
        cache.append(client.last_headers.get("X-Cache-Status"))
    status, _ = client.request("GET", "/")
    hsts = client.last_headers.get("Strict-Transport-Security")
    oversized, _ = client.request("POST", "/api/v1/auth/login", {"email": "x" * (2 * 1024 * 1024)})
    client.close()
    print(json.dumps({"alpn": alpn, "tls": tls_version, "home_status": status, "hsts": hsts,
                      "asset_cache": cache, "oversized_body_status": oversized}))


def read_tokens(path):
    with open(path, encoding="utf-8") as tokens_file:
        return json.load(tokens_file)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name, function):
        sub = commands.add_parser(name)
        sub.set_defaults(function=function)
        sub.add_argument("--cafile")
        return sub

    login = command("login", command_login)
    login.add_argument("--base", required=True)
    login.add_argument("--email", required=True)
    login.add_argument("--source-address")
    login.add_argument("--forwarded-for")

    load = command("load", command_load)
    load.add_argument("--base", required=True)
    load.add_argument("--tokens", required=True)
    load.add_argument("--acked", required=True)
    load.add_argument("--clients", type=int, default=8)
    load.add_argument("--seconds", type=float, default=60)
    load.add_argument("--think-ms", type=float, default=10)
    load.add_argument("--stop-file")

    write = command("write", command_write)
    write.add_argument("--base", required=True)
    write.add_argument("--tokens", required=True)

    verify = command("verify", command_verify)
    verify.add_argument("--tokens", required=True)
    verify.add_argument("--acked", required=True)
    verify.add_argument("--database-url", required=True)
    verify.add_argument("--replica", action="append", required=True)
    verify.add_argument("--wait-seconds", type=float, default=10)

    edge = command("edge", command_edge)
    edge.add_argument("--base", required=True)

    introduce = command("introduce", command_introduce)
    introduce.add_argument("--base", required=True)
    introduce.add_argument("--tokens", required=True)

    ready = command("ready", command_ready)
    ready.add_argument("--base", required=True)
    ready.add_argument("--seconds", type=float, default=120)
    ready.add_argument("--pid", type=int)

    args = parser.parse_args()
    args.function(args)


if __name__ == "__main__":
    main()
