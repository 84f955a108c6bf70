"""A small threaded HTTP server on loopback for tests and benchmarks: routes, replies, request log."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Request:
    """One request the server received."""

    method: str
    path: str
    headers: Mapping[str, str]
    host: str  # the Host header, lower-cased
    received_at: float  # time.monotonic() on arrival
    client_port: int = 0  # the client's end of the connection it came on: one port, one connection

    def header(self, name: str) -> str | None:
        """A request header by case-insensitive name."""
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), None)


@dataclass(frozen=True)
class Reply:
    """What to answer: status, headers, and a body given whole, gzipped, or as chunks sent with a pause."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    delay_s: float = 0.0  # wait before answering (server-side latency)
    chunks: Iterable[bytes] | None = None  # streamed without Content-Length, connection closed at the end
    chunk_interval_s: float = 0.0
    gzip: bool = False


Handler = Callable[[Request], Reply]


class LoopbackServer:
    """Serve `routes` (path -> Reply or handler) on `host` as a context manager; unknown paths get 404."""

    def __init__(
        self,
        routes: Mapping[str, Reply | Handler] | None = None,
        *,
        host: str = "127.0.0.1",
        fallback: Handler | None = None,
    ) -> None:
        self.routes: dict[str, Reply | Handler] = dict(routes or {})
        self.fallback = fallback
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.server = _Server((host, 0), _make_handler(self))
        self.server.daemon_threads = True
        self.host = host
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str = "/", host: str | None = None) -> str:
        """Absolute URL of `path` on this server, optionally under another host name (same port)."""
        return f"http://{host or self.host}:{self.port}{path}"

    def route(self, path: str, reply: Reply | Handler) -> None:
        """Add or replace the answer for `path`."""
        self.routes[path] = reply

    def requests_to(self, path: str) -> list[Request]:
        """Requests received for `path` (query string ignored)."""
        with self.lock:
            return [request for request in self.requests if request.path.split("?")[0] == path]

    def _answer(self, request: Request) -> Reply:
        with self.lock:
            self.requests.append(request)
        target = self.routes.get(request.path) or self.routes.get(request.path.split("?")[0]) or self.fallback
        if target is None:
            return Reply(status=404, body=b"not found", content_type="text/plain")
        return target if isinstance(target, Reply) else target(request)


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 drops bursts of connections, and the kernel retries them a second later.
    request_queue_size = 256
    daemon_threads = True


def _make_handler(owner: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            headers = {key: value for key, value in self.headers.items()}
            host = (self.headers.get("Host") or "").lower()
            request = Request("GET", self.path, headers, host, time.monotonic(), self.client_address[1])
            reply = owner._answer(request)
            if reply.delay_s:
                time.sleep(reply.delay_s)
            try:
                self._send(reply)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _send(self, reply: Reply) -> None:
            self.send_response(reply.status)
            if reply.content_type:
                self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.chunks is not None:
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                for chunk in reply.chunks:
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    if reply.chunk_interval_s:
                        time.sleep(reply.chunk_interval_s)
                return
            body = gzip.compress(reply.body) if reply.gzip else reply.body
            if reply.gzip:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if reply.status != 304:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return _Handler
