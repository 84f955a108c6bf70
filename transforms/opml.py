"""OPML subscription lists in and out: feeds exported from another reader, and our feed list for one.

Reading uses listparser (it handles OPML's dialects and nested categories) on bytes we hand it, after the same
DOCTYPE defusing as feeds; given bytes, listparser never fetches anything. Writing is plain OPML 2.0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree

from transforms.feeds import defuse_prolog, widen_to_utf8


@dataclass(frozen=True)
class OutlineFeed:
    """One feed of a subscription list: its title and address."""

    title: str
    feed_url: str


@dataclass(frozen=True)
class SubscriptionList:
    """What an OPML document held, and what was wrong with it if anything."""

    title: str | None
    feeds: tuple[OutlineFeed, ...]
    problem: str | None = None


def parse_opml(body: bytes) -> SubscriptionList:
    """The feeds of an OPML document, in document order, each address once."""
    import listparser  # here, not at the top: it loads requests on import, which export has no use for

    parsed = listparser.parse(defuse_prolog(widen_to_utf8(body)))
    feeds: dict[str, OutlineFeed] = {}
    for item in parsed.get("feeds", []):
        url = str(item.get("url") or "").strip()
        if url and url not in feeds:
            feeds[url] = OutlineFeed(title=" ".join(str(item.get("title") or "").split()) or url, feed_url=url)
    problem = None
    if parsed.get("bozo"):
        problem = f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}"[:300]
    if not feeds and problem is None:
        problem = "no feed (outline with xmlUrl) in the document"
    title = str(parsed.get("meta", {}).get("title") or "").strip() or None
    return SubscriptionList(title=title, feeds=tuple(feeds.values()), problem=problem)


def write_opml(feeds: Sequence[OutlineFeed], *, title: str) -> bytes:
    """An OPML 2.0 document listing the feeds, readable by feed readers and by parse_opml."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        ElementTree.SubElement(body, "outline", type="rss", text=feed.title, title=feed.title, xmlUrl=feed.feed_url)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
