"""The demo newsroom: the static site under seeds/demo/site served on loopback for the length of a run.

It goes through exactly the HTTP code path real feeds use; only the feed list and the alert clock differ. Its
documents always name the newsroom by its usual address (`CANONICAL_BASE`), so article URLs, and the article ids
made from them, are the same whichever port serves it: when that port is taken, the run connects the usual address
to the port that serves it (`connect_to`, like curl's --connect-to), and a second `make run` adds nothing.
"""

from __future__ import annotations

import csv
import mimetypes
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from transforms.seed_cells import seed_csv

NEWSROOM_TOKEN = b"__NEWSROOM__"
DEMO_PORT = 8765
CANONICAL_BASE = f"http://127.0.0.1:{DEMO_PORT}"
TEXT_SUFFIXES = frozenset({".xml", ".html", ".htm", ".txt", ".rss", ".atom"})
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".html": "text/html",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class DemoNewsroom:
    """A running demo server: where it answers, its feeds file rewritten for that address, and its clock."""

    base_url: str  # where it answers now
    feeds_file: Path
    as_of: datetime

    @property
    def connect_to(self) -> tuple[tuple[str, str], ...]:
        """The usual address connected to the one that answers, when they differ."""
        return () if self.base_url == CANONICAL_BASE else ((CANONICAL_BASE, self.base_url),)


class NewsroomHandler(SimpleHTTPRequestHandler):
    """Serves files as they are, with the newsroom token replaced by `base_url`: the newsroom's usual address for
    runs (stable article ids), the address it answers on when served alone (`presswatch demo serve`)."""

    def __init__(self, *args: Any, base_url: str = CANONICAL_BASE, **kwargs: Any) -> None:
        self.base_url = base_url
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path.split("?", 1)[0]))
        if path.is_dir():  # an outlet's home page, as `presswatch feeds add` is given it
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404, "Not Found")
            return
        body = path.read_bytes()
        if path.suffix in TEXT_SUFFIXES:
            body = body.replace(NEWSROOM_TOKEN, self.base_url.encode("ascii"))
        content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        self.send_response(200)
        self.send_header("Content-Type", content_type or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the run's own summary reports what was fetched."""


def read_clock(demo_dir: Path) -> datetime:
    """The moment the demo pretends it is, so its surge is "the last day" whatever today's date."""
    config = tomllib.loads((demo_dir / "newsroom.toml").read_text(encoding="utf-8"))
    return datetime.fromisoformat(str(config["as_of"]).replace("Z", "+00:00"))


def write_feeds_file(demo_dir: Path, base_url: str, target: Path) -> None:
    """The demo's feeds.csv with the token resolved to the live server address."""
    text = (demo_dir / "feeds.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.replace(NEWSROOM_TOKEN.decode(), base_url).splitlines()))
    with target.open("w", encoding="utf-8", newline="") as handle:
        handle.write(seed_csv(rows))


def write_spread_feeds_file(demo_dir: Path, base_url: str, target: Path) -> tuple[tuple[str, str], ...]:
    """The demo's feeds.csv with each outlet's feed on its own loopback address (127.0.0.1, .2, ... at the usual
    port), so a sharded run spreads the outlets over shards; article URLs keep the usual address, so ids and
    counts are `run --demo`'s. Returns the connect_to pairs sending every address to the server at `base_url`."""
    rows = list(csv.reader((demo_dir / "feeds.csv").read_text(encoding="utf-8").splitlines()))
    token = NEWSROOM_TOKEN.decode()
    origins = [f"http://127.0.0.{index + 1}:{DEMO_PORT}" for index in range(len(rows) - 1)]
    pairs = zip(rows[1:], origins, strict=True)
    spread = [rows[0], *([cell.replace(token, origin) for cell in row] for row, origin in pairs)]
    with target.open("w", encoding="utf-8", newline="") as handle:
        handle.write(seed_csv(spread))
    return tuple((origin, base_url) for origin in origins if origin != base_url)


def bind(handler: partial[NewsroomHandler], port: int) -> ThreadingHTTPServer:
    """The demo's usual port, or any free one when it is taken (the URLs stay the same either way)."""
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        return ThreadingHTTPServer(("127.0.0.1", 0), handler)


SHUTDOWN_POLL_S = 0.02


@contextmanager
def serve_newsroom(demo_dir: Path, work_dir: Path, port: int = DEMO_PORT) -> Iterator[DemoNewsroom]:
    """Serve the demo site on 127.0.0.1 until the block ends."""
    handler = partial(NewsroomHandler, directory=str(demo_dir / "site"))
    server = bind(handler, port)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    # serve_forever notices shutdown() only between polls; its default half-second poll was a fixed cost of every
    # demo run's ending (0.38 s of a 4.6 s `run --demo` in a profile).
    thread = threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL_S,), name="demo-newsroom", daemon=True)
    thread.start()
    try:
        work_dir.mkdir(parents=True, exist_ok=True)
        feeds_file = work_dir / "demo-feeds.csv"
        write_feeds_file(demo_dir, CANONICAL_BASE, feeds_file)
        yield DemoNewsroom(base_url=base_url, feeds_file=feeds_file, as_of=read_clock(demo_dir))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def standalone_newsroom(demo_dir: Path, port: int) -> ThreadingHTTPServer:
    """The newsroom bound to exactly `port` (0: any free one), its links naming the address it answers on, so a
    browser or `presswatch feeds add` can follow them. OSError when the port is taken."""
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(NewsroomHandler, directory=str(demo_dir / "site")))
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    server.RequestHandlerClass = partial(
        NewsroomHandler, directory=str(demo_dir / "site"), base_url=base_url
    )
    return server
