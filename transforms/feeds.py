"""Feed documents in, typed entries out: feedparser behind a boundary that never trusts the document."""

from __future__ import annotations

import calendar
import codecs
import html
import io
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import feedparser.urls

from transforms.records import FeedEntry, ParsedFeed
from transforms.urls import canonicalize_url, redact_credentials

# feedparser folds the slashes after any scheme's "://" ("file:///etc/passwd" becomes "file://etc/passwd"): a
# different address than the feed gave. Folding only http(s) keeps its repair of "http:///x" and every other link
# exactly as given, so a refused link is stored as the feed pushed it.
feedparser.urls._urifixer = re.compile(r"^((?i:https?)://)(/*)(.*?)")

FUTURE_SKEW = timedelta(minutes=15)
# Before the epoch's second day a feed date is a placeholder (timestamp 0) or garbage such as year 1; keeping such
# dates out also keeps every later window and subtraction far from the calendar's ends.
EARLIEST_PUBLISHED = datetime(1970, 1, 2, tzinfo=UTC)
SUMMARY_MAX_CHARS = 2_000
# feedparser flags these as bozo, yet entries are exactly as published: note them, do not call them damage.
BENIGN_PROBLEMS = ("CharacterEncodingOverride", "NonXMLContentType")

SAFE_ENTITY = re.compile(rb'<!ENTITY\s+(\w+)\s+"(&#\w+;|[^&"%<]*)"\s*>')
HTML_TAG = re.compile(r"<[^>]*>")
WHITESPACE = re.compile(r"\s+")
UTF_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
WIDE_PREFIXES = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
XML_ENCODING_DECLARATION = re.compile(rb"""(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_START_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def parse_feed(body: bytes, *, base_url: str, content_type: str | None = None, now: datetime) -> ParsedFeed:
    """Parse one fetched feed document into canonical, de-duplicated entries with an outcome.

    Outcomes: "ok"; "parse-error" (damaged, carrying whatever entries were readable); "not-a-feed"
    (empty body, HTML page, anything without a feed shape). Entry dates are UTC; dates beyond a small clock
    skew into the future become None, since the pipeline then falls back to the time it first saw the entry.
    """
    if not body.strip():
        return ParsedFeed(entries=(), outcome="not-a-feed", problem="empty body")
    safe_body = defuse_prolog(widen_to_utf8(body))
    headers = {"content-location": base_url}
    if content_type:
        headers["content-type"] = content_type
    try:
        # Always a file object: given bytes or str, feedparser may treat them as a path or URL and open it.
        parsed = feedparser.parse(
            io.BytesIO(safe_body), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as error:  # feedparser bugs on hostile input must cost one feed, not the run
        return ParsedFeed(entries=(), outcome="parse-error", problem=f"parser crashed: {error!r}")
    entries = _collect_entries(parsed.get("entries", []), base_url=base_url, now=now)
    title = _plain_text(parsed.get("feed", {}).get("title", "")) or None
    problem = _problem(parsed)
    if not parsed.get("version") and not entries:
        return ParsedFeed(entries=(), outcome="not-a-feed", problem=problem or "no feed elements", title=title)
    if problem and not problem.startswith(BENIGN_PROBLEMS):
        return ParsedFeed(entries=entries, outcome="parse-error", problem=problem, title=title)
    return ParsedFeed(entries=entries, outcome="ok", problem=problem, title=title)


def widen_to_utf8(body: bytes) -> bytes:
    """Re-encode UTF-16/32 documents as UTF-8 so the prolog can be inspected as ASCII bytes."""
    encoding = next((name for bom, name in UTF_BOMS if body.startswith(bom)), None)
    if encoding is None:
        encoding = next((name for prefix, name in WIDE_PREFIXES if body.startswith(prefix)), None)
    if encoding is None:
        return body
    try:
        text = body.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError:
        return body
    return XML_ENCODING_DECLARATION.sub(rb"\1\2utf-8\2", text.encode("utf-8"), count=1)


def defuse_prolog(body: bytes) -> bytes:
    """Replace any DOCTYPE with one holding only literal entities: no external DTD, nested or external entity.

    feedparser already filters entities with line-anchored patterns and expat refuses exponential expansion;
    this removes the whole class up front, whatever the layout of the declaration.
    """
    start = _doctype_start(body)
    if start is None:
        return body
    end = _doctype_end(body, start)
    declaration = body[start:end]
    safe = SAFE_ENTITY.findall(declaration)
    root = re.match(rb"<!DOCTYPE\s+([\w:.-]+)", declaration, re.IGNORECASE)
    root_name = root.group(1) if root else b"feed"
    replacement = b""
    if safe:
        lines = b"\n".join(b"<!ENTITY " + name + b' "' + value + b'">' for name, value in safe)
        replacement = b"<!DOCTYPE " + root_name + b" [\n" + lines + b"\n]>"
    elif b"netscape" in declaration.lower():
        replacement = b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "">'
    return body[:start] + replacement + body[end:]


def root_element(body: bytes) -> str | None:
    """The local name of the document's first element ("rss", "feed", "urlset", ...), read from the prolog on.

    Only the bytes before the first element are scanned, the same way the DOCTYPE is found, so a sitemap is
    told from a feed without parsing either.
    """
    index = _prolog_end(body)
    match = _START_TAG.match(body, index)
    if match is None:
        return None
    return match.group(1).rpartition(b":")[2].decode("ascii", "replace").lower()


def _doctype_start(body: bytes) -> int | None:
    index = _prolog_end(body, stop_at_doctype=True)
    return index if body[index : index + 9].upper() == b"<!DOCTYPE" else None


def _prolog_end(body: bytes, *, stop_at_doctype: bool = False) -> int:
    # Step over the prolog (BOM, blanks, processing instructions, comments, a DOCTYPE unless asked to stop at it).
    index = 3 if body.startswith(codecs.BOM_UTF8) else 0
    while index < len(body):
        if body[index : index + 1].isspace():
            index += 1
        elif body.startswith(b"<?", index):
            index = _after(body, b"?>", index)
        elif body.startswith(b"<!--", index):
            index = _after(body, b"-->", index)
        elif body[index : index + 9].upper() == b"<!DOCTYPE":
            if stop_at_doctype:
                return index
            index = _doctype_end(body, index)
        else:
            return index
    return index


def _after(body: bytes, terminator: bytes, index: int) -> int:
    end = body.find(terminator, index)
    return len(body) if end == -1 else end + len(terminator)


def _doctype_end(body: bytes, start: int) -> int:
    # Walk the declaration honouring quotes and the [...] subset; an unterminated one runs to the end.
    depth, quote, index = 0, 0, start + 2
    while index < len(body):
        byte = body[index]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte == 0x5B:
            depth += 1
        elif byte == 0x5D:
            depth = max(depth - 1, 0)
        elif byte == 0x3E and depth == 0:
            return index + 1
        index += 1
    return len(body)


def _collect_entries(raw_entries: list[Any], *, base_url: str, now: datetime) -> tuple[FeedEntry, ...]:
    entries: list[FeedEntry] = []
    seen_urls: set[str] = set()
    seen_guids: set[str] = set()
    for raw in raw_entries:
        entry = _entry(raw, base_url=base_url, now=now)
        if entry is None or entry.url in seen_urls or (entry.guid and entry.guid in seen_guids):
            continue
        seen_urls.add(entry.url)
        if entry.guid:
            seen_guids.add(entry.guid)
        entries.append(entry)
    return tuple(entries)


def _entry(raw: Any, *, base_url: str, now: datetime) -> FeedEntry | None:
    # A guid is often the link itself: the credentials a link may carry must not be stored through it either.
    guid = redact_credentials(str(raw.get("id") or "").strip()) or None
    link = _entry_link(raw, guid)
    if not link:
        return None
    # Links that are not http(s) (file:, gopher:, javascript:) are kept: the fetch stage's URL guard refuses them
    # unfetched and the refusal is stored like any other, so the operator learns what a feed pushes.
    url = canonicalize_url(link, base=base_url)
    return FeedEntry(
        url=url,
        guid=guid,
        title=_plain_text(raw.get("title", "")),
        published_at=_published_at(raw, now),
        summary=_plain_text(raw.get("summary", ""))[:SUMMARY_MAX_CHARS],
    )


def _entry_link(raw: Any, guid: str | None) -> str | None:
    link = raw.get("link")
    if link:
        return str(link)
    for candidate in raw.get("links", []):
        if candidate.get("href") and candidate.get("rel", "alternate") == "alternate":
            return str(candidate["href"])
    if guid and guid.startswith(("http://", "https://")):
        return guid
    return None


def _published_at(raw: Any, now: datetime) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(raw, key)  # plain lookup: FeedParserDict's key fallbacks warn and blur fields
        if isinstance(value, time.struct_time):
            try:
                moment = datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
            return plausible_published_at(moment, now)
    return None


def plausible_published_at(moment: datetime | None, now: datetime) -> datetime | None:
    """A publisher's date as the pipeline may use it: None when absent, before the epoch or beyond a small clock
    skew into the future (the pipeline then uses the time it first saw the entry)."""
    if moment is None or moment < EARLIEST_PUBLISHED or moment > now + FUTURE_SKEW:
        return None
    return moment


def _plain_text(value: Any) -> str:
    text = HTML_TAG.sub(" ", str(value or ""))
    return WHITESPACE.sub(" ", html.unescape(text)).strip()


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second


def _problem(parsed: Any) -> str | None:
    if not parsed.get("bozo"):
        return None
    error = parsed.get("bozo_exception")
    return f"{type(error).__name__}: {error}"[:500] if error is not None else "malformed document"
