#!/usr/bin/env python3
"""SMTP listener for the proving runs, on loopback, with aiosmtpd (PyPI).

Accepts every mail and appends its Message-ID to a file, one per line,
flushed before the "250" goes back: a mail Relais was told was delivered is
always in the file. The count per Message-ID is what `relais-bench check`
compares with the notices the database says were due.

Usage: smtp_sink.py PORT FILE   (runs until SIGTERM or SIGINT)
"""
import re
import signal
import sys
import threading

from aiosmtpd.controller import Controller

HEADER = re.compile(rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)


class Sink:
    def __init__(self, path):
        self.out = open(path, "a", encoding="ascii", errors="replace")
        self.lock = threading.Lock()
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "replace")
        head = re.split(rb"\r?\n\r?\n", data, maxsplit=1)[0]
        m = HEADER.search(head)
        mid = re.sub(rb"\s+", b"", m.group(1)).decode("ascii", "replace") if m else "<none>"
        with self.lock:
            self.out.write(mid + "\n")
            self.out.flush()
            self.count += 1
        return "250 OK stored"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: smtp_sink.py PORT FILE")
    port, path = int(sys.argv[1]), sys.argv[2]
    sink = Sink(path)
    controller = Controller(sink, hostname="127.0.0.1", port=port, data_size_limit=10 * 1024 * 1024)
    controller.start()
    print(f"smtp sink on 127.0.0.1:{port}, Message-IDs to {path}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    print(f"smtp sink stopped after {sink.count} mails", flush=True)


if __name__ == "__main__":
    main()
