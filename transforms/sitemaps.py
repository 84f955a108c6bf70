"""Sitemaps in, news entries out: Google News sitemaps, sitemap indexes and robots.txt `Sitemap:` lines.

A news sitemap lists an outlet's articles of the last two days with their headline, publication date and
language (`<news:news>`); ordinary sitemaps list every page the site ever had. Only `<url>` entries carrying
`<news:news>` published within the window become feed entries, so a sitemap of thousands of old pages yields
the few that are news. Documents are parsed with lxml's incremental parser after the same DOCTYPE defusing as
feeds (only literal entities survive), with external entities and network access off, and each element is
dropped once read.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin

from lxml import etree
from protego import Protego

from transforms.feeds import EARLIEST_PUBLISHED, defuse_prolog, plausible_published_at, root_element, widen_to_utf8
from transforms.records import FeedEntry
from transforms.urls import canonicalize_url, redact_credentials

NEWS_WINDOW = timedelta(days=2)  # Google News sitemaps hold two days; older entries are not news any more
MAX_CHILD_SITEMAPS = 10  # sitemaps read per source and run below an index (nested indexes included)
TITLE_MAX_CHARS = 500
GZIP_MAGIC = b"\x1f\x8b"
SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
NEWS_NAME = re.compile(r"news", re.IGNORECASE)
ROBOTS_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:", re.IGNORECASE | re.MULTILINE)
WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SitemapLink:
    """One sitemap an index (or robots.txt) points to, with the time it says the sitemap last changed."""

    url: str
    lastmod: datetime | None = None


@dataclass(frozen=True)
class ParsedSitemap:
    """What one sitemap document yielded.

    kind is "sitemap" (a urlset) or "sitemap-index"; entries are the recent news entries of a urlset, links
    the sitemaps an index lists that may hold news (those whose lastmod is older than the window cannot).
    outcome is "ok" or "parse-error" (damaged: what was read before it is kept).
    """

    kind: str
    entries: tuple[FeedEntry, ...] = ()
    links: tuple[SitemapLink, ...] = ()
    urls_total: int = 0  # every <url> read, news or not
    news_total: int = 0  # <url> entries carrying <news:news>, recent or not
    outcome: str = "ok"
    problem: str | None = None


def document_kind(body: bytes) -> str | None:
    """ "sitemap", "sitemap-index" or "robots" when the bytes are one of those, else None (a feed or anything else)."""
    root = root_element(widen_to_utf8(body))
    if root == "urlset":
        return "sitemap"
    if root == "sitemapindex":
        return "sitemap-index"
    if root is None and is_robots_with_sitemaps(body):
        return "robots"
    return None


def is_robots_with_sitemaps(body: bytes) -> bool:
    """Whether a plain-text document has robots.txt `Sitemap:` lines (and does not look like markup)."""
    head = body[:2048].lstrip()
    if head.startswith(b"<") or b"\x00" in head:
        return False
    return ROBOTS_SITEMAP_LINE.search(body[:500_000].decode("utf-8", "replace")) is not None


def robots_sitemaps(text: str, *, base_url: str) -> tuple[SitemapLink, ...]:
    """The sitemaps a robots.txt names on `Sitemap:` lines, as absolute canonical URLs, in file order."""
    urls = (canonicalize_url(url.strip(), base=base_url) for url in Protego.parse(text).sitemaps)
    return tuple(SitemapLink(url) for url in dict.fromkeys(urls) if url)


def gunzip_capped(body: bytes, max_bytes: int) -> tuple[bytes, bool]:
    """The body, decompressed when it is a gzip file (`sitemap.xml.gz`), and whether it was cut at max_bytes.

    The cap counts decompressed bytes, so a gzip bomb costs at most max_bytes of memory. A body that is not
    gzip is returned as it is; a damaged gzip stream keeps what decompressed before the damage.
    """
    if not body.startswith(GZIP_MAGIC):
        return body, False
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, max_bytes + 1)
    except zlib.error:
        return b"", False
    if len(data) > max_bytes or inflater.unconsumed_tail:
        return data[:max_bytes], True
    return data, False


def parse_sitemap(
    body: bytes, *, base_url: str, now: datetime, window: timedelta | None = NEWS_WINDOW
) -> ParsedSitemap:
    """Read a sitemap or sitemap index; keep news entries published within `window` before `now` (None: all).

    News entries dated more than a small clock skew into the future get no date (the pipeline then uses the
    time it first saw them); entries with no usable date are left out, since a sitemap never says how old
    they are otherwise. Entries repeating a URL are collapsed.
    """
    safe = defuse_prolog(widen_to_utf8(body))
    kind = "sitemap-index" if root_element(safe) == "sitemapindex" else "sitemap"
    reader = _Reader(base_url=base_url, now=now, oldest=now - window if window is not None else None)
    problem = None
    try:
        # No external DTD, no network, and after defuse_prolog only literal entities are left to expand.
        # Only <url> and <sitemap> (any namespace) come back to Python: their children are read from them.
        events = etree.iterparse(
            io.BytesIO(safe),
            events=("end",),
            tag=("{*}url", "{*}sitemap"),
            resolve_entities="internal",
            load_dtd=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        for _, element in events:
            reader.take(element)
    except etree.XMLSyntaxError as error:
        problem = f"XMLSyntaxError: {error}"[:500]
    except (ValueError, LookupError) as error:  # an encoding lxml does not know, or bytes it cannot decode
        problem = f"{type(error).__name__}: {error}"[:500]
    damage = reader.damage()
    notes = [note for note in (problem, damage, reader.note()) if note]
    return ParsedSitemap(
        kind=kind,
        entries=tuple(reader.entries),
        links=tuple(reader.links),
        urls_total=reader.urls_total,
        news_total=reader.news_total,
        outcome="parse-error" if problem or damage else "ok",
        problem="; ".join(notes) or None,
    )


def choose_sitemaps(
    links: Iterable[SitemapLink],
    *,
    now: datetime,
    window: timedelta | None = NEWS_WINDOW,
    limit: int = MAX_CHILD_SITEMAPS,
) -> tuple[tuple[SitemapLink, ...], int]:
    """The sitemaps of an index worth reading this run, and how many recent ones the limit left out.

    A sitemap whose lastmod is older than the window cannot hold a new news entry. When some sitemaps are
    named as news (`news-sitemap.xml`, `sitemap_news.xml.gz`), only those are read: the others are the site's
    archive. The rest are read newest first, those without a lastmod last.
    """
    oldest = now - window if window is not None else None
    recent = [link for link in dict.fromkeys(links) if oldest is None or link.lastmod is None or link.lastmod >= oldest]
    news = [link for link in recent if NEWS_NAME.search(link.url)]
    pool = news or recent
    ordered = sorted(pool, key=lambda link: link.lastmod or datetime.min.replace(tzinfo=UTC), reverse=True)
    chosen = (SitemapLink(canonicalize_url(link.url), link.lastmod) for link in ordered[:limit])
    return tuple(dict.fromkeys(chosen)), max(len(ordered) - limit, 0)


def parse_w3c_datetime(text: str) -> datetime | None:
    """A W3C datetime (`2025-01-06`, `2025-01-06T09:30Z`, `...+01:00`, fractions) as UTC; None when unreadable.

    Unreadable includes a time that leaves the calendar once converted to UTC (year 1 at +01:00, year 9999 at
    -01:00): a publisher's document must never raise here.
    """
    value = text.strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(value.replace("z", "Z"))
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


class _Reader:
    """Collects entries and links from end events, dropping each element once read to keep memory flat."""

    def __init__(self, *, base_url: str, now: datetime, oldest: datetime | None) -> None:
        self.base_url = base_url
        self.now = now
        self.oldest = oldest
        self.entries: list[FeedEntry] = []
        self.links: list[SitemapLink] = []
        self.seen: set[str] = set()
        self.urls_total = 0
        self.news_total = 0
        self.undated = 0
        # Dates given but unreadable or out of range: damage, said in the problem by their count and the first.
        self.bad_dates = 0
        self.first_bad_date = ""

    def take(self, element: etree._Element) -> None:
        name = _local(element)
        if name == "url":
            self.urls_total += 1
            self._url(element)
        elif name == "sitemap":
            self._sitemap(element)
        else:
            return
        element.clear()
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]

    def _sitemap(self, element: etree._Element) -> None:
        children = _children(element)
        loc = _text(children.get("loc"))
        if not loc:
            return
        stamp = _text(children.get("lastmod"))
        lastmod = parse_w3c_datetime(stamp)
        if lastmod is None and stamp:
            self._bad_date(f"lastmod {stamp[:40]!r}")  # read all the same: lastmod is only a hint
        if lastmod is not None and self.oldest is not None and lastmod < self.oldest:
            return  # unchanged since before the window: it cannot hold news; an archive index lists thousands
        # Resolved only: an index may name 50,000 sitemaps, and only the few chosen are canonicalised.
        url = loc if loc.startswith(("http://", "https://")) else urljoin(self.base_url, loc)
        self.links.append(SitemapLink(url, lastmod))

    def _url(self, element: etree._Element) -> None:
        children = _children(element)
        news = children.get("news")
        loc = _text(children.get("loc"))
        if news is None or not loc:
            return
        self.news_total += 1
        about = _children(news)
        stamp = _text(about.get("publication_date"))
        published = parse_w3c_datetime(stamp)
        if published is None or published < EARLIEST_PUBLISHED:
            if stamp:
                self._bad_date(f"publication date {stamp[:40]!r}")
            else:
                self.undated += 1
            return
        if self.oldest is not None and published < self.oldest:
            return
        url = canonicalize_url(redact_credentials(loc), base=self.base_url)
        if url in self.seen:
            return
        self.seen.add(url)
        publication = about.get("publication")
        language = _text(_children(publication).get("language")).lower() if publication is not None else ""
        self.entries.append(
            FeedEntry(
                url=url,
                guid=None,
                title=WHITESPACE.sub(" ", _text(about.get("title"))).strip()[:TITLE_MAX_CHARS],
                published_at=plausible_published_at(published, self.now),
                summary="",
                language=language or None,
            )
        )

    def damage(self) -> str | None:
        """The document's unreadable dates, as one problem naming the first of them."""
        if not self.bad_dates:
            return None
        count, first = self.bad_dates, self.first_bad_date
        return f"{count} unreadable or out-of-range date(s), entries left out or undated: {first}"

    def _bad_date(self, what: str) -> None:
        self.bad_dates += 1
        self.first_bad_date = self.first_bad_date or what

    def note(self) -> str | None:
        if self.undated:
            return f"{self.undated} news entries without a publication date left out"
        if self.urls_total and not self.news_total:
            return f"{self.urls_total} URLs but no <news:news> entry: an ordinary sitemap lists pages, not news"
        return None


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].rpartition(":")[2]


def _children(element: etree._Element) -> dict[str, etree._Element]:
    """Child elements by local name (first of each), in one pass: cheaper than a namespace-wildcard find per name."""
    found: dict[str, etree._Element] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            found.setdefault(tag.rpartition("}")[2].rpartition(":")[2], child)
    return found


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return (element.text or "" if len(element) == 0 else "".join(element.itertext())).strip()
