"""Fault switches and the small WSGI plumbing both simulators share.

A fault is set on an exact path (no query string) and changes how that
path answers: the ways real municipal servers fail (timeouts, 5xx, cut
connections, HTML error pages on JSON URLs, silently shrunken exports).
Content faults (malformed_rows, windows1256, shrink) are passed to the
producer, which knows what its body looks like.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional
from urllib.parse import parse_qs

FAULTS = ("timeout", "http500", "http503", "truncated", "malformed_rows", "windows1256",
          "empty", "gone", "shrink", "not_json")
CONTENT_FAULTS = ("malformed_rows", "windows1256", "shrink")
DEFAULT_HOLD_SECONDS = 5.0
StartResponse = Callable[..., Any]


@dataclass
class Response:
    """A complete response body (faults need its length before sending)."""

    status: str
    content_type: str
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(data: Any, status: str = "200 OK") -> Response:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Response(status, "application/json; charset=utf-8", body)


def text_response(status: str, text: str) -> Response:
    return Response(status, "text/plain; charset=utf-8", text.encode("utf-8"))


def html_error_page(status: str) -> bytes:
    """The kind of page an IIS/nginx front shows instead of data."""
    return (
        '<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{status}</title></head><body><h1>خطا در پردازش درخواست</h1>"
        "<p>سرویس در حال حاضر در دسترس نیست؛ لطفاً بعداً تلاش کنید.</p>"
        f"<hr><address>{status}</address></body></html>").encode("utf-8")


class Request:
    """What the simulators read from a WSGI environ."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.path = environ.get("PATH_INFO", "") or "/"
        self.script_name = environ.get("SCRIPT_NAME", "").rstrip("/")
        self.query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self._body: Optional[bytes] = None

    @property
    def host_url(self) -> str:
        """scheme://host[:port] as the client addressed us."""
        env = self.environ
        host = env.get("HTTP_HOST") or (
            f"{env.get('SERVER_NAME', '127.0.0.1')}:{env.get('SERVER_PORT', '80')}")
        return f"{env.get('wsgi.url_scheme', 'http')}://{host}"

    @property
    def base_url(self) -> str:
        """Absolute URL of this app's root (where it is mounted), no trailing slash."""
        return self.host_url + self.script_name

    def body(self) -> bytes:
        if self._body is None:
            try:
                length = int(self.environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            self._body = self.environ["wsgi.input"].read(length) if length > 0 else b""
        return self._body

    def params(self) -> dict[str, Any]:
        """Query parameters merged with a JSON or form body (CKAN reads both)."""
        params: dict[str, Any] = dict(self.query)
        body = self.body()
        if not body:
            return params
        ctype = self.environ.get("CONTENT_TYPE", "")
        if "form-urlencoded" in ctype:
            params.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8")).items()})
            return params
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("the request body must be a JSON object")
        params.update(data)
        return params


class FaultSet:
    """Faults by exact path, and how long `timeout` holds a response."""

    def __init__(self) -> None:
        self._faults: dict[str, str] = {}
        self._lock = threading.Lock()
        self.hold_seconds = DEFAULT_HOLD_SECONDS
        self._wake = threading.Event()

    def set(self, path: str, fault: Optional[str]) -> None:
        """Set (or with None clear) the fault of one path."""
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; one of {', '.join(FAULTS)}")
        path = path.split("?", 1)[0]
        with self._lock:
            if fault is None:
                self._faults.pop(path, None)
            else:
                self._faults[path] = fault

    def get(self, path: str) -> Optional[str]:
        with self._lock:
            return self._faults.get(path)

    def items(self) -> dict[str, str]:
        with self._lock:
            return dict(self._faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
        self.hold_seconds = DEFAULT_HOLD_SECONDS
        self._wake.set()  # release requests held by a timeout
        self._wake = threading.Event()

    def respond(self, request: Request, start_response: StartResponse,
                produce: Callable[[Optional[str]], Response]) -> Iterable[bytes]:
        """Answer `request` with produce(content_fault), after its path's fault."""
        fault = self.get(request.path)
        if fault == "timeout":
            self._wake.wait(self.hold_seconds)
            fault = None
        if fault in ("http500", "http503", "gone"):
            status = {"http500": "500 Internal Server Error", "http503": "503 Service Unavailable",
                      "gone": "404 Not Found"}[fault]
            extra = [("Retry-After", "30")] if fault == "http503" else []
            return send(start_response, Response(status, "text/html; charset=utf-8",
                                                 html_error_page(status), extra))
        if fault == "not_json":
            return send(start_response, Response("200 OK", "text/html; charset=utf-8",
                                                 html_error_page("500 Internal Server Error")))
        response = produce(fault if fault in CONTENT_FAULTS else None)
        if fault == "empty":
            response.body = b""
        if fault == "truncated":
            return send(start_response, response, cut=True)
        return send(start_response, response)


def send(start_response: StartResponse, response: Response, cut: bool = False) -> list[bytes]:
    """Start the response; with cut=True announce the full length, send half."""
    headers = [("Content-Type", response.content_type),
               ("Content-Length", str(len(response.body))), *response.headers]
    start_response(response.status, headers)
    if cut:
        return [response.body[: len(response.body) // 2]]
    return [response.body]
