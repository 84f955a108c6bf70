"""Finding an outlet's feeds from its web page: what the page advertises, where feeds usually live, and the
outlet's name.

The page's `<link rel="alternate">` feeds (and, failing those, links that look like feeds) are found by
trafilatura's feed discovery, given the page we fetched: trafilatura never fetches anything here.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import html as lxml_html
from trafilatura.feeds import FeedParameters, determine_feed

from transforms.urls import canonicalize_url

# Where feeds and news sitemaps usually are, tried when a page advertises none.
COMMON_PATHS = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/news-sitemap.xml",
    "/sitemap_news.xml",
)
NAME_MAX_CHARS = 120
TITLE_SEPARATORS = re.compile(r"\s+[|\u2013\u2014-]\s+")


def advertised_feeds(page: str, *, base_url: str) -> tuple[str, ...]:
    """The feed URLs a web page points to, absolute and canonical, in page order, comment feeds left out."""
    host = urlsplit(base_url).hostname or ""
    try:
        found = determine_feed(page, FeedParameters(base_url, host, base_url))
    except (ValueError, TypeError):  # a page lxml cannot read advertises nothing
        return ()
    return tuple(dict.fromkeys(canonicalize_url(url, base=base_url) for url in found))


def common_feed_urls(page_url: str) -> tuple[str, ...]:
    """The usual feed and news-sitemap addresses on the page's site."""
    parts = urlsplit(page_url)
    origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
    return tuple(f"{origin}{path}" for path in COMMON_PATHS)


def page_name(page: str) -> str | None:
    """The outlet's name as its page gives it: og:site_name, application-name, else the title's first part."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return None
    for query in ('//meta[@property="og:site_name"]/@content', '//meta[@name="application-name"]/@content'):
        values = [str(value).strip() for value in tree.xpath(query) if str(value).strip()]
        if values:
            return values[0][:NAME_MAX_CHARS]
    titles = [" ".join(str(text).split()) for text in tree.xpath("//title/text()")]
    if titles and titles[0]:
        return TITLE_SEPARATORS.split(titles[0])[0][:NAME_MAX_CHARS]
    return None
