"""Tests for transforms.page_metadata: the fields we store come out as trafilatura's own extract_metadata gives them."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import pytest
import trafilatura
from lxml.html import tostring

from transforms.page_metadata import DATE_PARAMS, STORED_FIELDS, page_metadata

PAGES = sorted((Path(__file__).resolve().parents[1] / "eval" / "extraction" / "pages").glob("*.html"))
URL = "https://gazette.example/news/pool-to-reopen"
HEADS = {
    "meta tags": '<meta name="author" content="Alan Porter"><meta property="og:site_name" content="@shiregazette">'
    '<meta property="article:published_time" content="2025-01-06T09:30:00+00:00">'
    '<link rel="canonical" href="/news/pool">',
    "json-ld": '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Pool to reopen",'
    ' "author": {"@type": "Person", "name": "Jane Doe"}, "datePublished": "2025-01-05T08:00:00Z"}</script>',
    "unreadable json-ld": '<script type="application/ld+json">{"@type": "NewsArticle", "author": </script>',
    "nothing": "",
}


def synthetic(head: str) -> str:
    return (
        f"<html><head><title>Pool to reopen | Shire Gazette</title>{head}</head><body><article><h1>Pool to reopen"
        '</h1><p class="byline">By Mary Major</p><p>The council approved the plan on Monday.</p></article>'
        '<footer><a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY</a></footer></body></html>'
    )


def stored(document: object) -> dict[str, object]:
    return {name: getattr(document, name) for name in STORED_FIELDS}


@pytest.mark.parametrize(
    "html",
    [pytest.param(path.read_text(encoding="utf-8"), id=path.stem) for path in PAGES]
    + [pytest.param(synthetic(head), id=name) for name, head in HEADS.items()],
)
def test_stored_fields_match_trafilatura(html: str) -> None:
    """Title, author, date, site name and canonical URL are trafilatura's, without its categories, tags and licence."""
    tree = trafilatura.load_html(html)
    assert tree is not None
    expected = trafilatura.extract_metadata(deepcopy(tree), URL, {**DATE_PARAMS})

    assert stored(page_metadata(tree, URL)) == stored(expected)


def test_the_tree_is_left_as_it_was() -> None:
    """Text extraction reads the same tree afterwards, so reading metadata must not prune it."""
    tree = trafilatura.load_html(synthetic(HEADS["meta tags"]))
    assert tree is not None
    before = tostring(tree)

    page_metadata(tree, URL)

    assert tostring(tree) == before


def test_eval_pages_are_there() -> None:
    assert len(PAGES) >= 30
