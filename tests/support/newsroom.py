"""A tiny newsroom for pipeline tests: one feed, a few article pages, written for the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from loopback import LoopbackServer, Reply

PROJECT_DIR = Path(__file__).resolve().parents[2]

ARTICLES = {
    "/news/inquiry-call.html": (
        "Opposition renews call for national inquiry",
        "Mon, 06 Jan 2025 09:00:00 +0000",
        [
            "Kemi Badenoch renewed her call for a national inquiry into grooming gangs on Monday.",
            "Mrs Badenoch said the government had not acted on the recommendations made in 2022.",
            "The Prime Minister's spokesman said the recommendations were being taken forward.",
        ],
    ),
    "/news/musk-posts.html": (
        "Musk steps up attacks on ministers",
        "Mon, 06 Jan 2025 11:30:00 +0000",
        [
            "Elon Musk posted dozens of messages on X about the government over the weekend.",
            "Mr Musk's posts targeted Jess Phillips, the safeguarding minister.",
            "Ms Phillips said she would not be deterred from her work with victims.",
        ],
    ),
    "/news/nhs-plan.html": (
        "Waiting list plan unveiled",
        "Mon, 06 Jan 2025 14:00:00 +0000",
        [
            "Sir Keir Starmer set out a plan to cut NHS waiting lists at an event in Surrey.",
            "Wes Streeting, the Health Secretary, said more scans would be offered in the evenings.",
            "Angela Rayner did not attend the event.",
        ],
    ),
}


def article_html(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f"<html><head><title>{title}</title><meta property='og:title' content='{title}'></head>"
        f"<body><nav><a href='/'>Home</a> <a href='/politics'>Politics</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        f"<footer>Copyright Test Gazette</footer></body></html>"
    ).encode()


def feed_xml(base: str, articles: dict[str, tuple[str, str, list[str]]] | None = None) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        f"<pubDate>{date}</pubDate><description>{paragraphs[0]}</description></item>"
        for path, (title, date, paragraphs) in (articles or ARTICLES).items()
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Test Gazette</title>"
        f"<link>{base}/</link><description>Tests</description>{items}</channel></rss>"
    ).encode()


def start_newsroom() -> LoopbackServer:
    """A started server with the feed at /feed.xml, the pages, and robots.txt allowing everything."""
    server = LoopbackServer()
    base = server.url("").rstrip("/")
    server.route("/feed.xml", Reply(body=feed_xml(base), content_type="application/rss+xml"))
    server.route("/robots.txt", Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    for path, (title, _, paragraphs) in ARTICLES.items():
        server.route(path, Reply(body=article_html(title, paragraphs)))
    return server.__enter__()


def write_feeds_file(path: Path, rows: list[tuple[str, str]]) -> Path:
    lines = ["source_id,name,feed_url,respect_robots"] + [f"{sid},{sid},{url},true" for sid, url in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def copy_seeds(target: Path) -> Path:
    """A private copy of the watchlist seeds a test may edit."""
    target.mkdir(parents=True, exist_ok=True)
    for csv_file in (PROJECT_DIR / "seeds").glob("*.csv"):
        shutil.copy(csv_file, target / csv_file.name)
    return target


def add_article(server: LoopbackServer, path: str, title: str, paragraph: str) -> None:
    """Publish one more article: its page, and a feed that lists it first."""
    extra = {path: (title, "Mon, 06 Jan 2025 18:00:00 +0000", [paragraph])}
    base = server.url("").rstrip("/")
    server.route(path, Reply(body=article_html(title, [paragraph])))
    items = {**extra, **ARTICLES}
    server.route("/feed.xml", Reply(body=feed_xml(base, items), content_type="application/rss+xml"))
