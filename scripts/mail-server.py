#!/usr/bin/env python3
"""A real SMTP server for the tests and the demo (aiosmtpd).

Every message it accepts is stored in DIR as one JSON file
(`<nanoseconds>-<n>.json`: envelope sender and recipients, From, To,
Subject, the decoded text body and the raw message), written to a temporary
name first and then renamed, so that a reader never sees half a message.

    mail-server.py --dir DIR [--host 127.0.0.1] [--port 0]
                   [--ready-file FILE] [--watch-pid PID]

--port 0 takes a free port; the address (smtp://host:port) is printed on
stdout and written to --ready-file once the server listens. With
--watch-pid the server stops when that process is gone, so a test run that
started it never leaves it behind.
"""

import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import sys
import time

try:
    from aiosmtpd.smtp import SMTP
except ImportError:  # the message says what to do; the caller shows stderr
    sys.stderr.write(
        "mail-server.py: the Python package aiosmtpd is missing; install Debian's "
        "python3-aiosmtpd (apt-get install python3-aiosmtpd) or `pip install aiosmtpd`\n"
    )
    sys.exit(3)


class Store:
    """The aiosmtpd handler: one JSON file per delivered message."""

    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else ""
        record = {
            "envelope_from": envelope.mail_from,
            "envelope_to": list(envelope.rcpt_tos),
            "from": str(message.get("From", "")),
            "to": str(message.get("To", "")),
            "subject": str(message.get("Subject", "")),
            "text": text,
            "raw": raw.decode("utf-8", errors="replace"),
        }
        name = "%d-%d" % (time.time_ns(), next(self.counter))
        temporary = os.path.join(self.directory, "." + name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(record, file)
        os.replace(temporary, os.path.join(self.directory, name + ".json"))
        return "250 Message accepted for delivery"


async def watch(pid):
    while True:
        await asyncio.sleep(1)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            pass


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-file")
    parser.add_argument("--watch-pid", type=int)
    arguments = parser.parse_args()
    os.makedirs(arguments.dir, exist_ok=True)
    handler = Store(arguments.dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="defmatch-mail", data_size_limit=10 * 1024 * 1024),
        arguments.host,
        arguments.port,
    )
    port = server.sockets[0].getsockname()[1]
    address = "smtp://%s:%d" % (arguments.host, port)
    if arguments.ready_file:
        temporary = arguments.ready_file + ".tmp"
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(address + "\n")
        os.replace(temporary, arguments.ready_file)
    print(address, flush=True)
    async with server:
        if arguments.watch_pid:
            await watch(arguments.watch_pid)
        else:
            await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
