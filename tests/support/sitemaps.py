"""Sitemap documents for tests and benchmarks: news sitemaps, ordinary ones and indexes, written as bytes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from xml.sax.saxutils import escape

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def news_url(loc: str, title: str, published: datetime | str, language: str = "en") -> str:
    """One <url> with a <news:news> block, as a Google News sitemap lists an article."""
    when = published if isinstance(published, str) else published.isoformat()
    return (
        f"<url><loc>{escape(loc)}</loc><news:news><news:publication><news:name>Test Gazette</news:name>"
        f"<news:language>{language}</news:language></news:publication>"
        f"<news:publication_date>{when}</news:publication_date><news:title>{escape(title)}</news:title>"
        f"</news:news></url>"
    )


def plain_url(loc: str, lastmod: datetime | None = None) -> str:
    """One <url> of an ordinary sitemap (a page, not news)."""
    stamp = f"<lastmod>{lastmod.date().isoformat()}</lastmod>" if lastmod else ""
    return f"<url><loc>{escape(loc)}</loc>{stamp}</url>"


def urlset(urls: Iterable[str]) -> bytes:
    """A sitemap (urlset) holding the given <url> elements."""
    body = "\n".join(urls)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n'
        f"{body}\n</urlset>\n"
    ).encode()


def sitemap_index(children: Sequence[tuple[str, datetime | None]]) -> bytes:
    """A sitemap index naming each (url, lastmod)."""
    items = "".join(
        f"<sitemap><loc>{escape(url)}</loc>{f'<lastmod>{lastmod.isoformat()}</lastmod>' if lastmod else ''}</sitemap>"
        for url, lastmod in children
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">{items}</sitemapindex>\n'.encode()
    )
