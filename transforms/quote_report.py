"""The report's "What they said" part as HTML: per person, their newest quotes with pickup and a link.

Pure: a frame in, escaped HTML out. Quote text, outlet names, headlines and links come from feeds and are escaped
with the report's own helpers; only http(s) links become clickable.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from transforms.report_page import escape, safe_link, when


def pickup_words(outlets: int, articles: int) -> str:
    """"run by 3 outlets (5 articles)", or "run by 1 outlet" when there is nothing more to say."""
    text = f"run by {outlets} outlet{'s' if outlets != 1 else ''}"
    return text + (f" ({articles} articles)" if articles != outlets else "")


def quotes_html(quotes: pl.DataFrame, order: Sequence[str]) -> str:
    """Per person (in the report's order, then anyone else), their newest quotes: the words, who ran them first
    and when, how many outlets and articles carried them, and a link to the first article.

    quotes: name, quote_rank, quote_text, first_outlet, first_published_at, first_title, first_url, outlets,
    articles (warehouse/queries/report_quotes.sql).
    """
    blocks = []
    by_name = {str(name): group for (name,), group in quotes.group_by("name", maintain_order=True)}
    for name in [*order, *sorted(set(by_name) - set(order))]:
        if name not in by_name:
            continue
        items = "".join(
            "<li>"
            f"<blockquote class=\"quote\">{escape(row['quote_text'])}</blockquote>"
            f'<div class="source">first {escape(row["first_outlet"])} · '
            f"{when(row['first_published_at'], '%a %d %b %H:%M')} · "
            f'<span class="pickup">{escape(pickup_words(int(row["outlets"]), int(row["articles"])))}</span> · '
            f"{safe_link(row['first_url'], row['first_title'] or '(untitled)')}</div>"
            "</li>"
            for row in by_name[name].sort("quote_rank").iter_rows(named=True)
        )
        blocks.append(f'<div class="evidence said"><h3>{escape(name)}</h3><ul>{items}</ul></div>')
    return "".join(blocks)
