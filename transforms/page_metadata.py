"""The page metadata presswatch stores (title, author, date, site name, canonical URL), read from a parsed page.

trafilatura's `extract_metadata` also looks for categories, tags and a licence, which we never store and which
cost about a fifth of a page's extraction (each is a search of the whole tree). This asks trafilatura's own
readers for the fields we store, in the order `extract_metadata` asks them, so each field comes out the same:
tests/transforms/test_page_metadata.py compares the two on every test page.
"""

from __future__ import annotations

import logging
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document

STORED_FIELDS = ("title", "author", "date", "sitename", "url")
DATE_PARAMS: dict[str, Any] = {
    "extensive_search": False,  # metadata dates only: searching the body text costs ~20 % more time
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}
LOGGER = logging.getLogger(__name__)


def page_metadata(tree: HtmlElement, url: str | None) -> Document:
    """Title, author, date, site name and canonical URL of the parsed page `tree` (left unchanged)."""
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # a one-word author in the meta tags is a handle or a site name, as trafilatura holds
    try:
        found = extract_meta_json(tree, found)
    except Exception as error:  # a JSON-LD block trafilatura cannot read costs that block only
        LOGGER.warning("unreadable JSON-LD metadata: %s", error)
    found.title = found.title or extract_title(tree)
    found.author = found.author or extract_author(tree)
    found.url = found.url or extract_url(tree, url)
    found.date = find_date(tree, url=found.url, **DATE_PARAMS)
    found.sitename = found.sitename or extract_sitename(tree)
    if found.sitename:
        found.sitename = found.sitename.lstrip("@")
        if found.sitename and "." not in found.sitename and not found.sitename[0].isupper():
            found.sitename = found.sitename.title()
    elif found.url and (host := META_URL.match(found.url)):
        found.sitename = host[1]
    found.clean_and_trim()
    return found
