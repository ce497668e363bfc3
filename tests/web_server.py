"""A local web site for the fetch tests (127.0.0.1 only): routes of fixed answers, and a log of
every request (path, headers, time) so a test can count what was asked for."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB = Path(__file__).parent / "fixtures" / "web"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    """When set, a request with a matching If-None-Match gets a bare 304."""
    length: bool = True
    """False: no Content-Length; the body ends when the connection closes."""


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float


class Site:
    def __init__(self):
        self.routes: dict[str, Answer | list[Answer]] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                with site._lock:
                    site.hits.append(Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()))
                    route = site.routes.get(self.path.split("?", 1)[0])
                    if isinstance(route, list):  # answers in turn, the last one repeated
                        answer = route.pop(0) if len(route) > 1 else route[0]
                    else:
                        answer = route
                if answer is None:
                    answer = Answer(404, b"not found", {"Content-Type": "text/plain"})
                if answer.etag and self.headers.get("If-None-Match") == answer.etag:
                    self.send_response(304)
                    self.send_header("ETag", answer.etag)
                    self.end_headers()
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.etag:
                    self.send_header("ETag", answer.etag)
                if answer.length:
                    self.send_header("Content-Length", str(len(answer.body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                try:
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def fixture(self, name: str) -> bytes:
        return (WEB / name).read_text(encoding="utf-8").replace("@BASE@", self.base).encode("utf-8")

    def page(self, path: str, name: str, charset: str = "utf-8", **more) -> None:
        text = (WEB / name).read_text(encoding="utf-8").replace("@BASE@", self.base)
        self.routes[path] = Answer(200, text.encode(charset), {"Content-Type": f"text/html; charset={charset}"}, **more)

    def count(self, path: str) -> int:
        """Requests for ``path`` (whatever their query)."""
        return sum(1 for h in self.hits if h.path.split("?", 1)[0] == path)
