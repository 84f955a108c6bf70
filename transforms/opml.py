"""OPML subscription lists in and out: feeds exported from another reader, and our feed list for one.

Reading uses listparser (it handles OPML's dialects and nested categories) on bytes we hand it, after the same
DOCTYPE defusing as feeds; given bytes, listparser never fetches anything. Writing is plain OPML 2.0, each outline
also carrying its presswatch source id (OPML lets outlines carry any attribute; readers ignore ours), so a list
exported and imported again keeps the ids a feed's history is stored under.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree

from transforms.feeds import defuse_prolog, widen_to_utf8

SOURCE_ID_ATTRIBUTE = "presswatchSourceId"


@dataclass(frozen=True)
class OutlineFeed:
    """One feed of a subscription list: its title and address, and its presswatch source id when it has one."""

    title: str
    feed_url: str
    source_id: str | None = None


@dataclass(frozen=True)
class SubscriptionList:
    """What an OPML document held, and what was wrong with it if anything."""

    title: str | None
    feeds: tuple[OutlineFeed, ...]
    problem: str | None = None


def parse_opml(body: bytes) -> SubscriptionList:
    """The feeds of an OPML document, in document order, each address once."""
    import listparser  # here, not at the top: it loads requests on import, which export has no use for

    defused = defuse_prolog(widen_to_utf8(body))
    parsed = listparser.parse(defused)
    source_ids = outline_source_ids(defused)
    feeds: dict[str, OutlineFeed] = {}
    for item in parsed.get("feeds", []):
        url = str(item.get("url") or "").strip()
        if url and url not in feeds:
            name = " ".join(str(item.get("title") or "").split()) or url
            feeds[url] = OutlineFeed(title=name, feed_url=url, source_id=source_ids.get(url))
    problem = None
    if parsed.get("bozo"):
        problem = f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}"[:300]
    if not feeds and problem is None:
        problem = "no feed (outline with xmlUrl) in the document"
    title = str(parsed.get("meta", {}).get("title") or "").strip() or None
    return SubscriptionList(title=title, feeds=tuple(feeds.values()), problem=problem)


def outline_source_ids(defused: bytes) -> dict[str, str]:
    """xmlUrl -> the presswatch source id an outline carries; none for a document ElementTree cannot read (its
    DOCTYPE is already gone, so no entity can expand)."""
    try:
        root = ElementTree.fromstring(defused)
    except ElementTree.ParseError:
        return {}
    found: dict[str, str] = {}
    for outline in root.iter("outline"):
        url, source_id = (outline.get("xmlUrl") or "").strip(), (outline.get(SOURCE_ID_ATTRIBUTE) or "").strip()
        if url and source_id:
            found.setdefault(url, source_id)
    return found


def is_news_sitemap(url: str) -> bool:
    """A sitemap address, by its last path segment (news-sitemap.xml, sitemap_index.xml): feeds files list news
    sitemaps beside feeds, and no feed reader subscribes to one."""
    return "sitemap" in urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].lower()


def write_opml(feeds: Sequence[OutlineFeed], *, title: str, notes: Sequence[str] = ()) -> bytes:
    """An OPML 2.0 document listing the feeds, readable by feed readers and by parse_opml; each note becomes a
    comment at the top of the body (what was left out, and why)."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    body = ElementTree.SubElement(root, "body")
    for note in notes:
        body.append(ElementTree.Comment(f" {note.replace('--', '- -')} "))
    for feed in feeds:
        outline = ElementTree.SubElement(
            body, "outline", type="rss", text=feed.title, title=feed.title, xmlUrl=feed.feed_url
        )
        if feed.source_id:
            outline.set(SOURCE_ID_ATTRIBUTE, feed.source_id)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
