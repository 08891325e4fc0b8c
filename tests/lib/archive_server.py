#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A Debian archive on loopback for tests/archive.sh.

Serves the folder ROOT over HTTP on 127.0.0.1 (a port of the system's
choosing, written to PORTFILE once listening).  Paths listed in
ROOT/.flaky answer "503 Service Unavailable" the first time they are asked
for, as a mirror under load does; every request is logged to ROOT/.requests.

usage: archive_server.py ROOT PORTFILE
"""

import functools
import http.server
import os
import sys
import urllib.parse


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, with one-off 503s and a request log."""

    def do_GET(self):
        root = self.directory
        with open(os.path.join(root, ".requests"), "a", encoding="utf-8") as f:
            f.write(self.path + "\n")
        flaky = os.path.join(root, ".flaky")
        if os.path.exists(flaky):
            with open(flaky, encoding="utf-8") as f:
                paths = [line.strip() for line in f if line.strip()]
            path = urllib.parse.unquote(self.path)
            if path in paths:
                paths.remove(path)
                with open(flaky, "w", encoding="utf-8") as f:
                    f.writelines(p + "\n" for p in paths)
                self.send_error(503, "Service Unavailable")
                return
        super().do_GET()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


def main():
    root, portfile = sys.argv[1], sys.argv[2]
    handler = functools.partial(Handler, directory=root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with open(portfile + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()


if __name__ == "__main__":
    main()
