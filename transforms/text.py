"""Clean article text and provenance from one HTML page, with a method and a quality flag analysts can filter on.

trafilatura finds the main text; this module then removes what it lets through and what must not be counted as
article text (bylines, "Read more" lines, share widgets, caption and pull-quote echoes), picks the method that
produced usable text, and flags pages that are too short, paywalled or in another language.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from transforms.records import ExtractedPage

MIN_BODY_WORDS = 50  # below this a page is a teaser, an error page or a video stub, not an article
PAYWALL_MAX_WORDS = 250  # a paywall marker on a page with more text than this is only a subscribe link
FEED_DATE_SKEW = timedelta(hours=2)  # feeds whose clocks run slightly ahead are still believed
EARLIEST_SANE_DATE = datetime(1995, 1, 1, tzinfo=UTC)
ENGLISH_STOPWORD_SHARE = 0.18  # English news prose runs at 35-50 % stopwords; other languages far below 18 %
LANGUAGE_CHECK_MIN_WORDS = 30

PAYWALL_MARKERS = re.compile(
    r"subscribe to (continue|keep) reading|this (article|content|story) is (only )?(available )?"
    r"(for|to) (subscribers|members)|already a subscriber|subscribers only|to read the full (article|story)"
    r"|you have reached your (free )?article limit|unlock this article|become a member to read",
    re.IGNORECASE,
)
BOILERPLATE_LINE = re.compile(
    r"^(read more|more on this story|related( stories| articles| content)?|see also|most read|recommended"
    r"|advertisement|sponsored|share( this( article| story| page)?)?|copy link|load more( updates)?|live"
    r"|key events|show key events only|updated .{0,40} ago|(photograph|photo|image|picture|credit|illustration)"
    r"( by)?|image \d+ of \d+|have a story\??|sign up( to| for)?|follow us|subscribe|comments?( \(\d+\))?)"
    r"\b[^\n]{0,120}$",
    re.IGNORECASE,
)
BYLINE_LINE = re.compile(
    r"^(by|words by|reporting by|written by)\s+[A-Z][\w.'\u2019-]*(\s+(and\s+)?[A-Z][\w.'\u2019-]*,?){0,5}"
    r"(\s*[|,\u2013\u2014-]\s*[\w ]{0,40})?$"
)
TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
WORD = re.compile(r"\w+", re.UNICODE)
TAG = re.compile(r"<[^>]+>")
ENGLISH_STOPWORDS = frozenset(
    {
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "not",
        "no",
        "will",
        "would",
        "can",
        "could",
        "said",
        "says",
        "after",
        "before",
        "about",
        "over",
        "than",
        "more",
        "also",
        "which",
        "who",
        "what",
        "when",
        "where",
        "there",
    }
)
# Short share/social widgets only: a widget closing a live-blog entry makes trafilatura drop that whole entry
SHARE_WIDGETS = (
    "//*[(contains(@class,'share') or contains(@class,'social')) and not(.//p)"
    " and string-length(normalize-space(.)) < 100]"
)
DATE_PARAMS: dict[str, Any] = {
    "extensive_search": False,  # metadata dates only: searching the body text costs ~20 % more time
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def extract_page(
    html: str,
    *,
    url: str,
    feed_summary: str = "",
    feed_title: str = "",
    expected_language: str = "en",
) -> ExtractedPage:
    """Extract the article body and metadata of `html`; never raises, a failure is recorded on the result."""
    if not html.strip():
        return _from_summary_only(feed_summary, feed_title, "empty page")
    try:
        document = _run_trafilatura(html, url, fast=True)
        method = "trafilatura"
        body = _clean_body(document.text if document else "", _title_of(document, feed_title))
        if _word_count(body) < MIN_BODY_WORDS:
            # trafilatura's own extractor found too little: let it compare with its fallback extractors
            retry = _run_trafilatura(html, url, fast=False)
            retry_body = _clean_body(retry.text if retry else "", _title_of(retry, feed_title))
            if _word_count(retry_body) > _word_count(body):
                document, body, method = retry, retry_body, "fallback"
    except MemoryError:
        raise  # the worker pool records it as a memory-limit failure and replaces the process
    except Exception as error:  # a parser crash on one page must not stop the run
        return _failed(f"{type(error).__name__}: {error}", feed_title)

    title = _title_of(document, feed_title) or None
    quality = _quality(html, body, document, expected_language)
    summary = _clean_body(TAG.sub(" ", html_lib.unescape(feed_summary)), title or "")
    if quality in ("too-short", "paywall") and _word_count(summary) > _word_count(body):
        body, method = summary, "feed-summary"
    if not body:
        return _failed("no text found on the page", feed_title, document)
    return ExtractedPage(
        text=body,
        title=title,
        author=(document.author if document else None) or None,
        published_at=parse_page_date(document.date if document else None),
        site_name=(document.sitename if document else None) or None,
        language=_declared_language(html)
        or (document.language if document else None)
        or _guess(quality, expected_language),
        canonical_url=(document.url if document else None) or None,
        method=method,
        quality=quality,
    )


def article_text(title: str, body: str) -> str:
    """The text the warehouse stores and mentions are found in: the headline, a blank line, then the body."""
    title, body = title.strip(), body.strip()
    if not title:
        return body
    return f"{title}\n\n{body}" if body else title


def choose_published_at(feed: datetime | None, page: datetime | None, first_seen: datetime) -> datetime:
    """The feed's date when sane, else the page's metadata date when sane, else the time we first saw the link."""
    latest_believable = _as_utc(first_seen) + FEED_DATE_SKEW
    for candidate in (feed, page):
        if candidate is not None and EARLIEST_SANE_DATE <= _as_utc(candidate) <= latest_believable:
            return _as_utc(candidate)
    return _as_utc(first_seen)


def parse_page_date(value: str | None) -> datetime | None:
    """Turn trafilatura's date string (with or without time and offset) into a UTC-aware datetime."""
    if not value:
        return None
    for pattern in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return _as_utc(datetime.strptime(value, pattern))
        except ValueError:
            continue
    return None


def _run_trafilatura(html: str, url: str, *, fast: bool) -> Any:
    # Imported here: only extraction workers parse pages (flows/adapters/extraction.py imports it as each starts),
    # and the processes that merely import this module (a sharded run's parent and shards) need not load it.
    import trafilatura

    return trafilatura.bare_extraction(
        html,
        url=url or None,
        fast=fast,
        favor_recall=not fast,
        include_comments=False,
        include_tables=True,
        include_images=False,
        with_metadata=True,
        date_extraction_params=DATE_PARAMS,
        prune_xpath=SHARE_WIDGETS,
    )


def _clean_body(raw: str, title: str) -> str:
    """One paragraph per block, separated by blank lines, without chrome lines or echoed paragraphs."""
    kept: list[str] = []
    seen: set[str] = set()
    for line in raw.splitlines():
        paragraph = _tidy_table_row(" ".join(line.split()))
        key = _normalise(paragraph)
        if not key or key in seen or _is_chrome(paragraph):
            continue
        if not kept and title and key == _normalise(title):
            continue  # trafilatura repeats the <h1>; article_text adds the title once
        seen.add(key)
        kept.append(paragraph)
    keys = [f" {_normalise(paragraph)} " for paragraph in kept]
    return "\n\n".join(p for index, p in enumerate(kept) if not _is_echo(index, keys))


def _tidy_table_row(line: str) -> str:
    if TABLE_SEPARATOR.match(line):
        return ""
    if line.startswith("|") and line.endswith("|"):
        return " | ".join(cell.strip() for cell in line.strip("|").split("|"))
    return line


def _is_chrome(paragraph: str) -> bool:
    words = len(WORD.findall(paragraph))
    if words <= 20 and BOILERPLATE_LINE.match(paragraph):
        return True
    return words <= 12 and bool(BYLINE_LINE.match(paragraph))


def _is_echo(index: int, keys: list[str]) -> bool:
    """A short paragraph whose words appear verbatim inside another paragraph is a pull quote or caption echo."""
    key = keys[index]
    if not 5 <= key.count(" ") - 1 <= 40:
        return False
    return any(position != index and key in other for position, other in enumerate(keys))


def _normalise(text: str) -> str:
    return " ".join(WORD.findall(text.lower()))


def _word_count(text: str) -> int:
    return len(WORD.findall(text))


def _title_of(document: Any, feed_title: str) -> str:
    title = (document.title if document else None) or feed_title
    return " ".join(title.split()) if title else ""


def _quality(html: str, body: str, document: Any, expected_language: str) -> str:
    words = _word_count(body)
    if words <= PAYWALL_MAX_WORDS and PAYWALL_MARKERS.search(html):
        return "paywall"
    if words < MIN_BODY_WORDS:
        return "too-short"
    if not _looks_like(body, expected_language, _declared_language(html)):
        return "other-language"
    return "ok"


def _looks_like(body: str, expected_language: str, declared: str | None) -> bool:
    """English is checked by its stopword share; other expected languages trust the page's lang attribute."""
    if expected_language != "en":
        return declared is None or declared.startswith(expected_language)
    tokens = WORD.findall(body.lower())
    if len(tokens) < LANGUAGE_CHECK_MIN_WORDS:
        return True
    share = sum(token in ENGLISH_STOPWORDS for token in tokens) / len(tokens)
    return share >= ENGLISH_STOPWORD_SHARE


def _guess(quality: str, expected_language: str) -> str | None:
    return None if quality == "other-language" else expected_language


def _declared_language(html: str) -> str | None:
    match = re.search(r"<html[^>]*\slang=[\"']?([A-Za-z-]+)", html[:5000], re.IGNORECASE)
    return match.group(1).lower() if match else None


def _from_summary_only(feed_summary: str, feed_title: str, error: str) -> ExtractedPage:
    summary = _clean_body(TAG.sub(" ", html_lib.unescape(feed_summary)), feed_title)
    if not summary:
        return _failed(error, feed_title)
    return ExtractedPage(
        text=summary,
        title=feed_title or None,
        author=None,
        published_at=None,
        site_name=None,
        language=None,
        canonical_url=None,
        method="feed-summary",
        quality="too-short",
    )


def _failed(error: str, feed_title: str, document: Any = None) -> ExtractedPage:
    return ExtractedPage(
        text="",
        title=feed_title or None,
        author=None,
        published_at=None,
        site_name=(document.sitename if document else None) or None,
        language=None,
        canonical_url=(document.url if document else None) or None,
        method="failed",
        quality="failed",
        error=error,
    )


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
