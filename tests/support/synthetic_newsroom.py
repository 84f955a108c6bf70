"""A synthetic loopback newsroom of any size for benchmarks: RSS feeds whose items are the demo's pages, each
made unique by a paragraph of its own."""

from __future__ import annotations

from pathlib import Path

from loopback import LoopbackServer, Reply, Request

DEMO_SITE = Path(__file__).resolve().parents[2] / "seeds" / "demo" / "site"


def demo_pages() -> list[bytes]:
    """The demo newsroom's article pages, used as the synthetic newsroom's bodies."""
    return [path.read_bytes() for path in sorted(DEMO_SITE.rglob("*.html"))]


class SyntheticNewsroom:
    """`feeds` RSS feeds of `per_feed` items each; item pages are demo pages with a unique paragraph added."""

    def __init__(self, feeds: int, articles: int) -> None:
        self.feeds = feeds
        self.per_feed = max(1, articles // feeds)
        self.pages = demo_pages()
        self.server = LoopbackServer(fallback=self.answer)

    def answer(self, request: Request) -> Reply:
        parts = request.path.strip("/").split("/")
        base = self.server.url("").rstrip("/")
        if parts[0] == "feed":
            feed = int(parts[1].removesuffix(".xml"))
            items = "".join(
                f"<item><title>Story {feed}-{i}</title><link>{base}/a/{feed}/{i}.html</link>"
                f"<guid>{base}/a/{feed}/{i}.html</guid><pubDate>Mon, 06 Jan 2025 {i % 20:02d}:00:00 +0000</pubDate>"
                f"<description>Story {feed}-{i}</description></item>"
                for i in range(self.per_feed)
            )
            body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {feed}</title>{items}</channel></rss>"
            return Reply(body=body.encode(), content_type="application/rss+xml")
        if parts[0] == "a":
            feed, item = int(parts[1]), int(parts[2].removesuffix(".html"))
            page = self.pages[(feed * self.per_feed + item) % len(self.pages)]
            page = page.replace(b"__NEWSROOM__", base.encode())
            unique = f"<p>Bulletin {feed}-{item}: council officers confirmed the figures on Monday.</p></article>"
            return Reply(body=page.replace(b"</article>", unique.encode(), 1))
        if parts[0] == "robots.txt":
            return Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
        return Reply(status=404, body=b"not found")

    def write_feeds_file(self, path: Path) -> Path:
        rows = ["source_id,name,feed_url,respect_robots"] + [
            f"feed-{k},Feed {k},{self.server.url(f'/feed/{k}.xml')},true" for k in range(self.feeds)
        ]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        return path


