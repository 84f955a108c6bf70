"""A loopback webhook receiver for alert delivery tests: scripted statuses, recorded JSON bodies."""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    """One scripted answer: status and headers; with `hold`, the request is recorded at once and answered only
    when the event is set (a message in flight)."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None


class WebhookReceiver:
    """Accepts POSTs on 127.0.0.1; answers from a script, then 200; keeps every request's path, headers, body."""

    def __init__(self, script: Iterable[Answer] = ()) -> None:
        self.script: deque[Answer] = deque(script)
        self.received: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, scheme: str = "json", path: str = "/hooks/T0SECRET/B0SECRET/tok3nSECRET") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    @property
    def delivered(self) -> list[dict[str, Any]]:
        """Bodies of requests that were answered 2xx."""
        with self.lock:
            return [item for item in self.received if 200 <= item["status"] < 300]

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with owner.lock:
                    answer = owner.script.popleft() if owner.script else Answer()
                    try:
                        body: Any = json.loads(raw)
                    except ValueError:
                        body = raw.decode("utf-8", "replace")
                    owner.received.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                           "status": answer.status})
                if answer.hold is not None:
                    answer.hold.wait(timeout=60)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the sender went away while the answer was held
                    self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                return None

        return Handler


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
