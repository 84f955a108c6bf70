"""A loopback SMTP receiver for alert e-mail tests: accepts every message and keeps it parsed."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any


class SmtpReceiver:
    """Speaks enough SMTP on 127.0.0.1 (EHLO, MAIL, RCPT, DATA, QUIT) to take messages; no TLS, no auth."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(f"{line}\r\n".encode())
                self.wfile.flush()

            def handle(self) -> None:
                self.reply("220 loopback ESMTP")
                while raw := self.rfile.readline():
                    command = raw.decode("utf-8", "replace").strip().upper()
                    if command.startswith(("EHLO", "HELO")):
                        self.reply("250-loopback")
                        self.reply("250 8BITMIME")
                    elif command.startswith("DATA"):
                        self.reply("354 end with <CR><LF>.<CR><LF>")
                        lines = []
                        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                            lines.append(line[1:] if line.startswith(b"..") else line)
                        parsed: Any = message_from_bytes(b"".join(lines), policy=policy.default)
                        with owner.lock:
                            owner.messages.append(parsed)
                        self.reply("250 accepted")
                    elif command.startswith("QUIT"):
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> SmtpReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
