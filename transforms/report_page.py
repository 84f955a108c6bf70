"""The report's HTML: one self-contained page (styles, inlined Vega, chart specs) and its tables and fragments.

Everything that came from a feed (headlines, sentences, URLs, outlet names, fetch errors) is untrusted: it is
escaped for HTML, chart specs are embedded as JSON with `<`, `>` and `&` escaped so no string can close the script
element, and only http(s) links become anchors. The layout is one column on a phone and uses the width of a large
screen: charts take their slot's width, grids wrap, and tables turn into stacked cards up to 960 px.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import polars as pl

EMBED_OPTIONS = {"actions": False, "renderer": "svg"}
JSON_FOR_SCRIPT = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
# Troubled feeds first; "damaged" is a feed whose document is broken but whose entries were still read.
FEED_STATE_ORDER = ("dead", "failing", "damaged", "never-fetched", "recovered", "healthy")


@dataclass(frozen=True)
class Section:
    """One part of the page: an anchor, a heading, a plain-text note under it, and its (already safe) HTML body.

    A half section sits beside the next half section on a wide screen."""

    anchor: str
    heading: str
    note: str
    body: str
    half: bool = False


@dataclass(frozen=True)
class Page:
    """Everything the page shows; `specs` maps a chart slot's id suffix to its Vega-Lite spec."""

    title: str
    facts: tuple[tuple[str, str], ...]
    numbers: tuple[tuple[str, str], ...]
    alerts: tuple[str, ...]
    sections: tuple[Section, ...]
    specs: dict[str, dict[str, Any]]


def escape(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def safe_link(url: object, text: str) -> str:
    """An anchor for http(s) URLs only (a feed could send `javascript:`); other schemes show the text alone."""
    target = "" if url is None else str(url)
    if urlsplit(target).scheme.lower() not in {"http", "https"}:
        return escape(text)
    return f'<a href="{escape(target)}" rel="noopener noreferrer" target="_blank">{escape(text)}</a>'


def when(value: object, fmt: str = "%d %b %Y %H:%M") -> str:
    """A timestamp as UTC text; empty for missing values."""
    if not isinstance(value, datetime):
        return "" if value is None else escape(value)
    in_utc = value.astimezone(UTC) if value.tzinfo else value
    return escape(in_utc.strftime(fmt) + " UTC")


def highlighted(snippet: str, matched: str) -> str:
    """The escaped sentence with the first occurrence of the matched name marked."""
    at = snippet.find(matched) if matched else -1
    if at < 0:
        return escape(snippet)
    end = at + len(matched)
    return f"{escape(snippet[:at])}<mark>{escape(snippet[at:end])}</mark>{escape(snippet[end:])}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], css_class: str = "") -> str:
    """An HTML table whose cells carry their column's name (shown beside each value when rows become cards).

    Cells must already be escaped."""
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td data-label="{escape(header)}">{cell}</td>' for header, cell in zip(headers, row, strict=True))
        + "</tr>"
        for row in rows
    )
    return f'<table class="cards {escape(css_class)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def stories_table(stories: pl.DataFrame) -> str:
    """Top stories: pickup (distinct outlets), headline linked to the first article, outlets and people named."""
    rows = [
        [
            f'<span class="pickup">{escape(row["outlets"])}</span>',
            safe_link(row["url"], row["title"] or "(untitled)"),
            escape(row["articles"]),
            when(row["first_published_at"], "%a %d %b %H:%M"),
            escape(", ".join(row["outlet_names"] or [])),
            escape(", ".join(row["people"] or [])),
        ]
        for row in stories.iter_rows(named=True)
    ]
    return table(["outlets", "headline", "articles", "first seen", "carried by", "people named"], rows, "stories")


def evidence_html(evidence: pl.DataFrame, order: Sequence[str], colours: dict[str, str]) -> str:
    """Per person, their newest sentences with outlet, time and a link to the article, as a grid of cards."""
    blocks = []
    by_name = {str(name): group for (name,), group in evidence.group_by("name", maintain_order=True)}
    for name in [*order, *sorted(set(by_name) - set(order))]:
        if name not in by_name:
            continue
        items = "".join(
            "<li>"
            f"<blockquote>{highlighted(str(row['snippet']), str(row['matched_text']))}</blockquote>"
            f'<div class="source">{escape(row["outlet"])} · {when(row["published_at"], "%a %d %b %H:%M")} · '
            f"{safe_link(row['url'], row['title'] or '(untitled)')}</div>"
            "</li>"
            for row in by_name[name].sort("evidence_rank").iter_rows(named=True)
        )
        blocks.append(f'<div class="evidence"><h3>{swatch(colours.get(name))}{escape(name)}</h3><ul>{items}</ul></div>')
    return f'<div class="evidence-grid">{"".join(blocks)}</div>'


def swatch(colour: str | None) -> str:
    """A small square in a person's chart colour (colours come from our palette, never from data)."""
    if not colour:
        return ""
    return f'<span class="swatch" style="background:{escape(colour)}" aria-hidden="true"></span>'


def feed_health_table(health: pl.DataFrame) -> str:
    """One row per feed, troubled ones first: its state, the latest fetch and, for a troubled feed, since when and
    why."""
    # The state is the feed_health view's (warehouse/sql/feed_health.sql), the alert stage's too: never judged here.
    shown = [(str(row["state"]), row) for row in health.iter_rows(named=True)]
    rank = {state: index for index, state in enumerate(FEED_STATE_ORDER)}
    shown.sort(key=lambda pair: (rank.get(pair[0], len(rank)), str(pair[1]["outlet"])))
    rows = [
        [
            escape(row["outlet"]),
            f'<span class="state state-{escape(state)}">{escape(state)}</span>',
            when(row["last_fetch_at"]),
            escape(row["last_outcome"])
            + (f" (HTTP {escape(row['last_http_status'])})" if row["last_http_status"] else ""),
            when(row["last_success_at"]),
            when(row["failing_since"]),
            f"{escape(row['failures'])} of {escape(row['fetches'])}",
            f'<span class="error">{escape(shorten(row["last_error"], 160))}</span>',
        ]
        for state, row in shown
    ]
    headers = [
        "outlet",
        "state",
        "last fetch",
        "last outcome",
        "last success",
        "failing since",
        "failed fetches",
        "last error",
    ]
    return table(headers, rows, "health")


def runs_table(runs: pl.DataFrame, limit: int = 10) -> str:
    """The newest runs of the period: clock, status, duration, feeds and what they added."""
    rows = [
        [
            when(row["as_of"]),
            f'<span class="state state-{escape(row["status"])}">{escape(row["status"])}</span>',
            escape(row["mode"]),
            escape(f"{row['duration_s']:.1f} s" if row["duration_s"] is not None else ""),
            feeds_cell(row),
            new_articles_cell(row),
            escape(row["articles_failed"]),
            escape(row["mentions_new"]),
            escape(row["alerts_fired"]),
            f'<span class="error">{escape(shorten(row["error"], 160))}</span>',
        ]
        for row in runs.head(limit).iter_rows(named=True)
    ]
    headers = [
        "run clock",
        "status",
        "mode",
        "took",
        "feeds",
        "new articles",
        "failed pages",
        "new mentions",
        "alerts",
        "error",
    ]
    return table(headers, rows, "runs")


def new_articles_cell(run: dict[str, Any]) -> str:
    """A run's new articles, and what it left for later runs (over a feed's cap or past its deadline) when any."""
    deferred = int(run.get("articles_deferred") or 0)
    later = f" ({deferred:,} left for later runs)" if deferred else ""
    return escape(run["articles_new"]) + escape(later)


def feeds_cell(run: dict[str, Any]) -> str:
    """A run's feeds: clean, failed, and in between (damaged but read, or waiting out a pause), which count as
    neither by the fetch layer's rule."""
    total, ok, failed = (int(run[field] or 0) for field in ("feeds_total", "feeds_ok", "feeds_failed"))
    between = max(total - ok - failed, 0)
    parts = [f"{ok} ok", *([f"{between} damaged or paused"] if between else []), f"{failed} failed"]
    return escape(f"{', '.join(parts)} of {total}")


def runs_summary(runs: pl.DataFrame) -> str:
    """One sentence: how many runs, how many completed, failed or still running."""
    if runs.is_empty():
        return "No runs recorded in this period."
    counts = dict(runs.group_by("status").len().iter_rows())
    parts = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    return f"{runs.height} run{'s' if runs.height != 1 else ''} in the period ({parts}); newest first, up to 10 shown."


def shorten(value: object, limit: int) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chart_slot(slot: str, label: str) -> str:
    """The element a chart renders into, labelled for screen readers."""
    return f'<div class="chart" id="chart-{escape(slot)}" role="img" aria-label="{escape(label)}"></div>'


def multiples_html(panels: Sequence[tuple[str, str, str, bool]]) -> str:
    """Small multiples as a wrapping grid: (slot, person, colour, spiking) per panel, one chart slot each."""
    flag = '<span class="spiking">spike</span>'
    figures = "".join(
        '<figure class="multiple">'
        f"<figcaption>{swatch(colour)}{escape(name)}{flag if spiking else ''}</figcaption>"
        f"{chart_slot(slot, f'Distinct stories per day naming {name}, against their usual level')}"
        "</figure>"
        for slot, name, colour, spiking in panels
    )
    return f'<div class="multiples">{figures}</div>'


def usual_level_key() -> str:
    """The small multiples' shared legend, written once in HTML instead of once per chart."""
    return (
        '<div class="key"><span><i class="key-band"></i>usual level (what the alert rule expects ± 2 spreads)</span>'
        '<span><i class="key-line"></i>distinct stories</span>'
        '<span><i class="key-spike"></i>spike</span></div>'
    )


def empty_note(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


def specs_json(specs: dict[str, dict[str, Any]]) -> str:
    """The specs as JSON that is safe inside a script element whatever strings the data holds."""
    return json.dumps(specs, ensure_ascii=False, separators=(",", ":")).translate(JSON_FOR_SCRIPT)


def section_html(section: Section) -> str:
    return (
        f'<section id="section-{escape(section.anchor)}" class="{"half" if section.half else "full"}">'
        f'<h2 id="{escape(section.anchor)}">{escape(section.heading)}</h2>'
        f'<p class="note">{escape(section.note)}</p>{section.body}</section>'
    )


def page_html(page: Page, vega_bundle: str) -> str:
    """The whole self-contained page: styles, the inlined Vega bundle, the sections and the chart specs."""
    facts = "".join(f"<span><b>{escape(label)}</b> {escape(value)}</span>" for label, value in page.facts)
    numbers = "".join(
        f'<div class="number"><div class="value">{escape(value)}</div><div class="label">{escape(label)}</div></div>'
        for label, value in page.numbers
    )
    alerts = "".join(f"<li>{escape(alert)}</li>" for alert in page.alerts)
    alert_box = f'<div class="alerts"><b>Spiking at the latest run</b><ul>{alerts}</ul></div>' if alerts else ""
    contents = "".join(
        f'<a href="#{escape(section.anchor)}">{escape(section.heading)}</a>' for section in page.sections
    )
    return PAGE_TEMPLATE.format(
        title=escape(page.title),
        style=PAGE_STYLE,
        bundle=vega_bundle.replace("</script", "<\\/script"),
        facts=facts,
        numbers=numbers,
        alert_box=alert_box,
        contents=contents,
        sections="".join(section_html(section) for section in page.sections),
        specs=specs_json(page.specs),
        embed_options=json.dumps(EMBED_OPTIONS),
    )


PAGE_STYLE = """
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1a202c;
  margin: 0; background: #f7fafc; line-height: 1.45; overflow-wrap: break-word; }
header { background: #1a365d; color: #fff; padding: 16px clamp(12px, 3vw, 32px) 12px; }
header h1 { margin: 0 0 6px; font-size: clamp(20px, 5vw, 24px); }
header .facts { font-size: 14px; opacity: .92; display: flex; flex-wrap: wrap; gap: 2px 18px; }
nav { background: #fff; border-bottom: 1px solid #e2e8f0; padding: 6px clamp(12px, 3vw, 32px); font-size: 14px;
  position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav a { color: #2b6cb0; text-decoration: none; }
main { max-width: 1680px; margin: 0 auto; padding: 12px clamp(8px, 2.5vw, 32px) 48px; }
.numbers { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 10px; margin: 8px 0 14px; }
.number { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 8px 14px; }
.number .value { font-size: 22px; font-weight: 600; }
.number .label { font-size: 13px; color: #4a5568; }
.alerts { background: #fff5f5; border: 1px solid #feb2b2; border-radius: 6px; padding: 10px 16px; margin-bottom: 14px; }
.alerts ul { margin: 4px 0 0; padding-left: 20px; }
.sections { display: grid; grid-template-columns: minmax(0, 1fr); gap: 14px; }
section { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 12px clamp(10px, 2vw, 20px) 16px;
  min-width: 0; }
@media (min-width: 1100px) {
  .sections { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
  section.full { grid-column: 1 / -1; }
}
h2 { font-size: 19px; margin: 4px 0 2px; scroll-margin-top: 64px; }
h3 { font-size: 15px; margin: 10px 0 4px; }
.note { color: #4a5568; font-size: 14px; margin: 0 0 10px; }
.empty { color: #718096; font-style: italic; }
.chart { width: 100%; min-width: 0; }
.chart .vega-embed { width: 100%; display: block; }
.chart[data-state="failed"] { color: #9b2c2c; }
.multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 290px), 1fr)); gap: 8px 18px; }
.multiple { margin: 0; min-width: 0; }
.multiple figcaption { font-weight: 600; font-size: 14px; }
.spiking { background: #c53030; color: #fff; border-radius: 8px; font-size: 11px; padding: 0 6px; margin-left: 6px;
  vertical-align: 1px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.key { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; color: #4a5568; margin: 0 0 8px; }
.key i { display: inline-block; width: 18px; height: 10px; margin-right: 6px; vertical-align: -1px; }
.key-band { background: #dbe4ee; } .key-line { border-top: 2px solid #4a5568; height: 0 !important; }
.key-spike { width: 10px !important; background: #c53030; transform: rotate(45deg) scale(.8); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th { text-align: left; border-bottom: 2px solid #cbd5e0; padding: 6px 8px; font-weight: 600; }
td { border-bottom: 1px solid #edf2f7; padding: 6px 8px; vertical-align: top; }
td .error, td a { overflow-wrap: anywhere; }
tbody tr:nth-child(even) { background: #f7fafc; }
@media (max-width: 960px) {
  table.cards thead { display: none; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
  table.cards tr { border: 1px solid #e2e8f0; border-radius: 6px; margin: 0 0 10px; padding: 6px 10px; }
  table.cards td { border: 0; padding: 2px 0; display: grid; grid-template-columns: 7.5em minmax(0, 1fr); gap: 8px; }
  table.cards td::before { content: attr(data-label); font-weight: 600; color: #4a5568; }
  table.cards td:empty, table.cards td:has(> .error:empty) { display: none; }
}
@media (max-width: 1099px) {
  nav { position: static; }
}
.pickup, .state { justify-self: start; }
.pickup { display: inline-block; min-width: 26px; text-align: center; background: #2b6cb0; color: #fff;
  border-radius: 10px; font-weight: 600; }
.state { padding: 1px 8px; border-radius: 10px; background: #e2e8f0; white-space: nowrap; }
.state-healthy, .state-completed, .state-recovered { background: #c6f6d5; }
.state-failing, .state-running, .state-damaged { background: #fefcbf; }
.state-dead, .state-failed { background: #fed7d7; }
.error { color: #9b2c2c; font-size: 13px; }
.evidence-grid { display: grid; gap: 4px 24px;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 340px), 1fr)); }
.evidence { min-width: 0; }
.evidence ul { list-style: none; padding: 0; margin: 0; }
.evidence li { margin: 0 0 10px; }
blockquote { margin: 0; padding: 4px 12px; border-left: 3px solid #90cdf4; background: #f7fafc; font-size: 15px; }
mark { background: #fefcbf; }
.source { font-size: 13px; color: #4a5568; padding-left: 15px; }
a { color: #2b6cb0; }
footer { color: #718096; font-size: 13px; text-align: center; padding: 0 12px 24px; }
"""

PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
<script>
{bundle}
</script>
</head>
<body>
<header><h1>{title}</h1><div class="facts">{facts}</div></header>
<nav>{contents}</nav>
<main>
<div class="numbers">{numbers}</div>
{alert_box}
<div class="sections">{sections}</div>
</main>
<footer>Written by presswatch. Counts are distinct stories unless labelled:
syndicated copies of one story count once.</footer>
<script type="application/json" id="presswatch-specs">{specs}</script>
<script>
(function () {{
  const specs = JSON.parse(document.getElementById("presswatch-specs").textContent);
  for (const [id, spec] of Object.entries(specs)) {{
    const slot = document.getElementById("chart-" + id);
    vegaEmbed(slot, spec, {embed_options}).then(function () {{
      slot.dataset.state = "drawn";
    }}).catch(function (error) {{
      slot.dataset.state = "failed";
      slot.textContent = "This chart could not be drawn: " + error;
      console.error(error);
    }});
  }}
}})();
</script>
</body>
</html>
"""
