"""The report's charts (Altair / Vega-Lite specs) and HTML fragments, built from polars frames.

Everything that came from a feed (headlines, sentences, URLs, outlet names) is untrusted: it is escaped for HTML,
chart specs are embedded as JSON with `<`, `>` and `&` escaped so no string can close the script element, and
only http(s) links become anchors.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import altair as alt
import polars as pl

STORIES_SERIES = "distinct stories"
BAND_SERIES = "usual level (expected ± 2σ)"
SPIKE_SERIES = "spike"
SERIES_DOMAIN = [BAND_SERIES, STORIES_SERIES, SPIKE_SERIES]
SERIES_RANGE = ["#c6dbef", "#2b6cb0", "#d62728"]
EMBED_OPTIONS = {"actions": False, "renderer": "svg"}
# grain: (Vega-Lite time unit, axis title, axis label format, tooltip format)
GRAINS = {
    "day": ("utcyearmonthdate", "day (UTC)", "%a %d %b", "%a %d %b"),
    "hour": ("utcyearmonthdatehours", "hour (UTC)", "%a %d", "%a %d %b %H:00"),
}
JSON_FOR_SCRIPT = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


@dataclass(frozen=True)
class Section:
    """One part of the page: an anchor, a heading, a plain-text note under it, and its (already safe) HTML body."""

    anchor: str
    heading: str
    note: str
    body: str


@dataclass(frozen=True)
class Page:
    """Everything the page shows; `specs` maps a chart's element id to its Vega-Lite spec."""

    title: str
    facts: tuple[tuple[str, str], ...]
    numbers: tuple[tuple[str, str], ...]
    alerts: tuple[str, ...]
    sections: tuple[Section, ...]
    specs: dict[str, dict[str, Any]]


def chart_values(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows for an inline Vega dataset: datetimes as ISO UTC strings (naive ones are taken to be UTC)."""
    converted = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            in_utc = column.dt.convert_time_zone("UTC") if dtype.time_zone else column
            converted.append(in_utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias(name))
        elif isinstance(dtype, pl.Date):
            converted.append(column.dt.strftime("%Y-%m-%dT00:00:00Z").alias(name))
    return frame.with_columns(converted).to_dicts() if converted else frame.to_dicts()


def people_order(trend: pl.DataFrame) -> list[str]:
    """People's names, most distinct stories first: the order every chart and legend uses."""
    if trend.is_empty():
        return []
    totals = (
        trend.filter(pl.col("grain") == "day")
        .group_by("name")
        .agg(pl.col("stories").sum())
        .sort(["stories", "name"], descending=[True, False])
    )
    return totals["name"].to_list()


def series_colour() -> alt.Color:
    return alt.Color(
        "series:N",
        scale=alt.Scale(domain=SERIES_DOMAIN, range=SERIES_RANGE),
        legend=alt.Legend(title=None, orient="top", symbolStrokeWidth=3),
    )


def trend_layers(grain: str, with_spikes: bool) -> list[alt.Chart]:
    """Band, counts and (when any) spike marks for one grain of the trend frame (rows of that grain only)."""
    time_unit, axis_title, label_format, tooltip_format = GRAINS[grain]
    # Hourly panels label days only: hour-level labels collide on a laptop-width panel.
    axis = alt.Axis(format=label_format, labelOverlap=True, labelBound=True)
    if grain == "hour":
        axis = alt.Axis(format=label_format, labelOverlap=True, labelBound=True, tickCount="day")
    x = alt.X(f"{time_unit}(bucket):T", title=axis_title, axis=axis)
    y = alt.Y("stories:Q", title="distinct stories", axis=alt.Axis(tickMinStep=1))
    tooltip = [
        alt.Tooltip("name:N", title="person"),
        alt.Tooltip(f"{time_unit}(bucket):T", title=grain, format=tooltip_format),
        alt.Tooltip("stories:Q", title="distinct stories"),
        alt.Tooltip("articles:Q", title="articles"),
        alt.Tooltip("baseline_stories:Q", title="usual level", format=".2f"),
    ]
    base = alt.Chart().encode(x=x)
    band = (
        base.transform_calculate(series=f"'{BAND_SERIES}'")
        .mark_area(opacity=0.7, interpolate="step-after" if grain == "hour" else "monotone")
        .encode(y=alt.Y("band_low:Q", title="distinct stories"), y2="band_high:Q", color=series_colour())
    )
    # Hourly counts are mostly 0 or 1: bars read better than a saw-tooth line.
    counts_mark = base.mark_line(point=True, strokeWidth=2) if grain == "day" else base.mark_bar(width=2)
    counts = counts_mark.transform_calculate(series=f"'{STORIES_SERIES}'").encode(
        y=y, color=series_colour(), tooltip=tooltip
    )
    layers = [band, counts]
    if with_spikes:
        # Only drawn when there is a spike: an empty layer makes Vega warn about an infinite extent.
        layers.append(
            base.transform_filter("datum.is_spike")
            .transform_calculate(series=f"'{SPIKE_SERIES}'")
            .mark_point(filled=True, size=110, opacity=1, shape="diamond")
            .encode(y="stories:Q", color=series_colour(), tooltip=tooltip)
        )
    return layers


def trend_chart(trend: pl.DataFrame, grain: str, order: Sequence[str]) -> alt.FacetChart | None:
    """Small multiples, one per person: distinct stories per window, the usual-level band and spikes marked."""
    rows = trend.filter(pl.col("grain") == grain)
    if rows.is_empty():
        return None
    width, height, columns = (250, 110, 3) if grain == "day" else (400, 90, 2)
    layers = trend_layers(grain, with_spikes=bool(rows["is_spike"].any()))
    layered = alt.layer(*layers, data=alt.InlineData(values=chart_values(rows)))
    return layered.properties(width=width, height=height).facet(
        facet=alt.Facet(
            "name:N", sort=list(order), title=None, header=alt.Header(labelFontSize=13, labelFontWeight="bold")
        ),
        columns=columns,
    )


def person_trend_chart(trend: pl.DataFrame, person_id: str) -> alt.VConcatChart | None:
    """One person's daily and hourly trend stacked: the picture attached to an alert."""
    rows = trend.filter(pl.col("person_id") == person_id)
    if rows.is_empty():
        return None
    name = str(rows["name"][0])
    panels = []
    for grain, title in (("day", "per day"), ("hour", "per hour")):
        grain_rows = rows.filter(pl.col("grain") == grain)
        panels.append(
            alt.layer(
                *trend_layers(grain, with_spikes=bool(grain_rows["is_spike"].any())),
                data=alt.InlineData(values=chart_values(grain_rows)),
            ).properties(width=640, height=160, title=f"{name}: distinct stories {title}")
        )
    return alt.vconcat(*panels).configure_view(stroke=None)


def share_of_voice_chart(share: pl.DataFrame, order: Sequence[str]) -> alt.Chart | None:
    """Per outlet, how its mentions of tracked people split between them (who covers whom)."""
    if share.is_empty():
        return None
    outlets = share["outlet"].n_unique()
    names = list(order) + sorted(set(share["name"].to_list()) - set(order))
    return (
        alt.Chart(alt.InlineData(values=chart_values(share)))
        .mark_bar()
        .encode(
            y=alt.Y("outlet:N", title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(
                "share_of_outlet:Q",
                stack="zero",
                title="share of the outlet's mentions of tracked people",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("name:N", title="person", sort=names, scale=alt.Scale(domain=names, scheme="tableau20")),
            order=alt.Order("mentions:Q", sort="descending"),
            tooltip=[
                alt.Tooltip("outlet:N"),
                alt.Tooltip("name:N", title="person"),
                alt.Tooltip("share_of_outlet:Q", title="share", format=".0%"),
                alt.Tooltip("mentions:Q"),
                alt.Tooltip("articles:Q"),
            ],
        )
        .properties(width=640, height=max(40 * outlets, 80))
    )


def heat_map(
    frame: pl.DataFrame,
    *,
    x: tuple[str, str, Sequence[str]],
    y: tuple[str, str, Sequence[str]],
    value: tuple[str, str],
) -> alt.LayerChart | None:
    """A labelled matrix: (field, axis title, order) for x and y, (field, legend title) for the colour."""
    if frame.is_empty():
        return None
    x_field, x_title, x_order = x
    y_field, y_title, y_order = y
    value_field, value_title = value
    highest = max(int(frame.select(pl.col(value_field).max()).item() or 0), 1)
    base = alt.Chart(alt.InlineData(values=chart_values(frame))).encode(
        x=alt.X(f"{x_field}:N", title=x_title, sort=list(x_order), axis=alt.Axis(labelAngle=-35, labelLimit=200)),
        y=alt.Y(f"{y_field}:N", title=y_title, sort=list(y_order), axis=alt.Axis(labelLimit=200)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            f"{value_field}:Q",
            title=value_title,
            scale=alt.Scale(scheme="blues", domainMin=0),
            legend=alt.Legend(format="d", tickMinStep=1),
        ),
        tooltip=[
            alt.Tooltip(f"{y_field}:N", title=y_title),
            alt.Tooltip(f"{x_field}:N", title=x_title),
            alt.Tooltip(f"{value_field}:Q", title=value_title),
        ],
    )
    labels = base.mark_text(fontSize=11).encode(
        text=alt.Text(f"{value_field}:Q"),
        color=alt.condition(f"datum.{value_field} > {highest / 2}", alt.value("white"), alt.value("#1a202c")),
    )
    columns = max(len(x_order), frame[x_field].n_unique())
    rows = max(len(y_order), frame[y_field].n_unique())
    return alt.LayerChart(layer=[cells, labels], width=min(max(34 * columns, 200), 720), height=max(24 * rows, 60))


def spec_of(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart as a plain Vega-Lite dict, with the page's look applied."""
    styled = chart.configure_axis(labelFontSize=11, titleFontSize=12, gridColor="#edf2f7").configure_legend(
        labelFontSize=12, titleFontSize=12, labelLimit=240
    )
    return styled.to_dict()


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
    """An HTML table; cells must already be escaped."""
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{escape(css_class)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


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


def evidence_html(evidence: pl.DataFrame, order: Sequence[str]) -> str:
    """Per person, their newest sentences with outlet, time and a link to the article."""
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
        blocks.append(f'<div class="evidence"><h3>{escape(name)}</h3><ul>{items}</ul></div>')
    return "".join(blocks)


def feed_health_table(health: pl.DataFrame) -> str:
    """One row per feed: its state, the latest fetch and, for a troubled feed, since when and why."""
    rows = [
        [
            escape(row["outlet"]),
            f'<span class="state state-{escape(row["state"])}">{escape(row["state"])}</span>',
            when(row["last_fetch_at"]),
            escape(row["last_outcome"])
            + (f" (HTTP {escape(row['last_http_status'])})" if row["last_http_status"] else ""),
            when(row["last_success_at"]),
            when(row["failing_since"]),
            f"{escape(row['failures'])} of {escape(row['fetches'])}",
            f'<span class="error">{escape(shorten(row["last_error"], 160))}</span>',
        ]
        for row in health.iter_rows(named=True)
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
            f"{escape(row['feeds_ok'])} of {escape(row['feeds_total'])}",
            escape(row["articles_new"]),
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
        "feeds ok",
        "new articles",
        "failed pages",
        "new mentions",
        "alerts",
        "error",
    ]
    return table(headers, rows, "runs")


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


def chart_slot(anchor: str, label: str) -> str:
    """The element a chart renders into, labelled for screen readers."""
    return f'<div class="chart" id="chart-{escape(anchor)}" role="img" aria-label="{escape(label)}"></div>'


def empty_note(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


def specs_json(specs: dict[str, dict[str, Any]]) -> str:
    """The specs as JSON that is safe inside a script element whatever strings the data holds."""
    return json.dumps(specs, ensure_ascii=False, separators=(",", ":")).translate(JSON_FOR_SCRIPT)


def page_html(page: Page, vega_bundle: str) -> str:
    """The whole self-contained page: styles, the inlined Vega bundle, the sections and the chart specs."""
    facts = " · ".join(f"<span><b>{escape(label)}</b> {escape(value)}</span>" for label, value in page.facts)
    numbers = "".join(
        f'<div class="number"><div class="value">{escape(value)}</div><div class="label">{escape(label)}</div></div>'
        for label, value in page.numbers
    )
    alerts = "".join(f"<li>{escape(alert)}</li>" for alert in page.alerts)
    alert_box = f'<div class="alerts"><b>Spiking at the latest run</b><ul>{alerts}</ul></div>' if alerts else ""
    contents = "".join(
        f'<a href="#{escape(section.anchor)}">{escape(section.heading)}</a>' for section in page.sections
    )
    sections = "".join(
        f'<section id="section-{escape(section.anchor)}">'
        f'<h2 id="{escape(section.anchor)}">{escape(section.heading)}</h2>'
        f'<p class="note">{escape(section.note)}</p>{section.body}</section>'
        for section in page.sections
    )
    return PAGE_TEMPLATE.format(
        title=escape(page.title),
        style=PAGE_STYLE,
        bundle=vega_bundle.replace("</script", "<\\/script"),
        facts=facts,
        numbers=numbers,
        alert_box=alert_box,
        contents=contents,
        sections=sections,
        specs=specs_json(page.specs),
        embed_options=json.dumps(EMBED_OPTIONS),
    )


PAGE_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1a202c;
  margin: 0; background: #f7fafc; line-height: 1.45; }
header { background: #1a365d; color: #fff; padding: 18px 32px 14px; }
header h1 { margin: 0 0 6px; font-size: 24px; }
header .facts { font-size: 14px; opacity: .92; }
header .facts span { white-space: nowrap; }
nav { background: #fff; border-bottom: 1px solid #e2e8f0; padding: 8px 32px; font-size: 14px; position: sticky; top: 0;
  z-index: 2; }
nav a { margin-right: 16px; color: #2b6cb0; text-decoration: none; white-space: nowrap; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 32px 48px; }
.numbers { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0 16px; }
.number { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 10px 16px; min-width: 110px; }
.number .value { font-size: 22px; font-weight: 600; }
.number .label { font-size: 13px; color: #4a5568; }
.alerts { background: #fff5f5; border: 1px solid #feb2b2; border-radius: 6px; padding: 10px 16px; margin-bottom: 16px; }
.alerts ul { margin: 4px 0 0; padding-left: 20px; }
section { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 12px 20px 18px; margin: 16px 0; }
h2 { font-size: 19px; margin: 4px 0 2px; scroll-margin-top: 48px; }
h3 { font-size: 15px; margin: 12px 0 4px; }
.note { color: #4a5568; font-size: 14px; margin: 0 0 10px; }
.empty { color: #718096; font-style: italic; }
.chart { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th { text-align: left; border-bottom: 2px solid #cbd5e0; padding: 6px 8px; font-weight: 600; }
td { border-bottom: 1px solid #edf2f7; padding: 6px 8px; vertical-align: top; }
tbody tr:nth-child(even) { background: #f7fafc; }
.pickup { display: inline-block; min-width: 26px; text-align: center; background: #2b6cb0; color: #fff;
  border-radius: 10px; font-weight: 600; }
.state { padding: 1px 8px; border-radius: 10px; background: #e2e8f0; white-space: nowrap; }
.state-healthy, .state-completed, .state-recovered { background: #c6f6d5; }
.state-failing, .state-running { background: #fefcbf; }
.state-dead, .state-failed { background: #fed7d7; }
.error { color: #9b2c2c; font-size: 13px; }
.evidence ul { list-style: none; padding: 0; margin: 0; }
.evidence li { margin: 0 0 10px; }
blockquote { margin: 0; padding: 4px 12px; border-left: 3px solid #90cdf4; background: #f7fafc; }
mark { background: #fefcbf; }
.source { font-size: 13px; color: #4a5568; padding-left: 15px; }
a { color: #2b6cb0; }
footer { color: #718096; font-size: 13px; text-align: center; padding: 0 0 24px; }
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
{sections}
</main>
<footer>Written by presswatch. Counts are distinct stories unless labelled:
syndicated copies of one story count once.</footer>
<script type="application/json" id="presswatch-specs">{specs}</script>
<script>
(function () {{
  const specs = JSON.parse(document.getElementById("presswatch-specs").textContent);
  for (const [id, spec] of Object.entries(specs)) {{
    vegaEmbed("#chart-" + id, spec, {embed_options}).catch(function (error) {{
      document.getElementById("chart-" + id).textContent = "This chart could not be drawn: " + error;
      console.error(error);
    }});
  }}
}})();
</script>
</body>
</html>
"""
