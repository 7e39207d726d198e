#!/usr/bin/env python3
"""Prints the newest messages that scripts/mail-server.py stored.

    scripts/read-mail.py [DIR] [-n COUNT] [--to ADDRESS]

DIR defaults to data/mail-server/messages (where scripts/demo.sh keeps the demo's mail).
"""

import argparse
import glob
import json
import os


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default="data/mail-server/messages")
    parser.add_argument("-n", type=int, default=5, help="how many messages (newest last)")
    parser.add_argument("--to", help="only messages to this address")
    arguments = parser.parse_args()
    paths = sorted(
        glob.glob(os.path.join(arguments.directory, "*.json")),
        key=lambda path: tuple(int(part) for part in os.path.basename(path)[:-5].split("-")),
    )
    messages = []
    for path in paths:
        with open(path, encoding="utf-8") as file:
            message = json.load(file)
        if arguments.to and arguments.to.lower() not in (to.lower() for to in message["envelope_to"]):
            continue
        messages.append(message)
    if not messages:
        print("no mail in %s yet" % arguments.directory)
    for message in messages[-arguments.n:]:
        print("=" * 72)
        print("To:      %s" % message["to"])
        print("Subject: %s" % message["subject"])
        print()
        print(message["text"].rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
