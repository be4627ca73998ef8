"""A threaded local HTTP server for the simulator apps.

Threaded because a harvester test holds one request open (the timeout
fault) while others must still be answered; daemon threads so a held
request never keeps a test run or the demo process alive.
"""
from __future__ import annotations

import socketserver
import sys
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

WSGIApp = Callable[..., Any]
_CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """One thread per request; held requests do not block shutdown."""

    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (a harvester's timeout) are not errors."""
        if isinstance(sys.exc_info()[1], _CLIENT_GONE):
            return
        super().handle_error(request, client_address)


class QuietHandler(WSGIRequestHandler):
    """No access log on stderr (tests and the demo stay readable)."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        pass


def make_simulator_server(app: WSGIApp, host: str = "127.0.0.1",
                          port: int = 0) -> ThreadingWSGIServer:
    """A bound server (port 0: a free port); call serve_forever() to run it."""
    server = make_server(host, port, app, server_class=ThreadingWSGIServer,
                         handler_class=QuietHandler)
    assert isinstance(server, ThreadingWSGIServer)
    return server


def base_url(server: WSGIServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}"


@contextmanager
def serve(app: WSGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `app` in a background thread; yields its base URL (no trailing slash)."""
    server = make_simulator_server(app, host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name=f"simulator:{server.server_address[1]}", daemon=True)
    thread.start()
    try:
        yield base_url(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
