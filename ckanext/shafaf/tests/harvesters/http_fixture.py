"""A tiny threaded HTTP server for the fetch tests: routes serve exact bytes.

Each route is a Reply (or a function of the query string returning one),
so a test states the status, headers and body a portal sends, including
the broken ones: a body cut short, a reply held back, a stall mid-body.
"""
from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator, Mapping, Optional, Union
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Reply:
    """What one request gets back."""

    body: bytes = b""
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0          # seconds before the status line
    truncate: bool = False      # announce len(body), send half, close
    stall: float = 0.0          # seconds to wait after the first half of the body
    length: bool = True         # send a Content-Length header


Route = Union[Reply, Callable[[dict[str, str]], Reply]]


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, Route] = {}
    hits: list[str] = []

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        parts = urlsplit(self.path)
        self.hits.append(self.path)
        route = self.routes.get(parts.path)
        if route is None:
            reply = Reply(b"not found", status=404)
        else:
            reply = route(dict(parse_qsl(parts.query))) if callable(route) else route
        if reply.delay:
            time.sleep(reply.delay)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.length:
            self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        body = reply.body
        if reply.truncate or reply.stall:
            half = len(body) // 2
            self.wfile.write(body[:half])
            self.wfile.flush()
            if reply.stall:
                time.sleep(reply.stall)
                self.wfile.write(body[half:])
            return
        self.wfile.write(body)


@contextlib.contextmanager
def serve(routes: Mapping[str, Route]) -> Iterator[tuple[str, list[str]]]:
    """(base URL, list of requested paths) while the server runs."""
    handler = type("Handler", (_Handler,), {"routes": dict(routes), "hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.hits
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A local port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fixed(body: bytes, content_type: Optional[str] = None, **options: object) -> Reply:
    headers = {"Content-Type": content_type} if content_type else {}
    return Reply(body, headers=headers, **options)  # type: ignore[arg-type]
