"""A small web app that is not the sample: Python's standard library only (no pip), as Berth runs any image.

GET /healthz  200 while the process serves requests (the container and load balancer health checks).
GET /readyz   200 when the database named by DATABASE_URL (injected by ECS from Secrets Manager) accepts a TCP
              connection on its port, 503 otherwise: the egress rule on 5432 is what lets it through.
GET /         a short JSON description of the app, never a secret.

It listens on PORT (default 3000), writes nothing outside /tmp, runs as any non-root uid and stops on SIGTERM.
"""

import json
import os
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

PORT = int(os.environ.get("PORT", "3000"))
BUCKET = os.environ.get("UPLOADS_BUCKET", "")


def database_reachable(url: str, timeout: float = 1.0) -> bool:
    """True when the host of a postgres:// URL accepts a TCP connection (no driver: the standard library only)."""
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    try:
        with socket.create_connection((parts.hostname, parts.port or 5432), timeout=timeout):
            return True
    except OSError:
        return False


class Handler(BaseHTTPRequestHandler):
    server_version = "your-app"
    sys_version = ""

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path == "/healthz":
            self._send(200, {"status": "ok"})
        elif self.path == "/readyz":
            ok = database_reachable(os.environ.get("DATABASE_URL", ""))
            self._send(200 if ok else 503, {"database": "reachable" if ok else "unreachable"})
        elif self.path == "/":
            self._send(200, {"app": "your-app", "uploadsBucket": BUCKET, "databaseConfigured": "DATABASE_URL" in os.environ})
        else:
            self._send(404, {"error": "not found"})

    def log_message(self, fmt: str, *args) -> None:
        # One line per request on stdout: the awslogs driver ships it.
        sys.stdout.write("%s %s\n" % (self.address_string(), fmt % args))
        sys.stdout.flush()


def main() -> None:
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
    server.daemon_threads = True
    # ECS sends SIGTERM, then SIGKILL after stopTimeout: stop accepting, finish, exit 0.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"your-app listening on {PORT}", flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
