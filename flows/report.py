"""`presswatch report`: the warehouse as one self-contained HTML page (charts, top stories, evidence, feed health).

The warehouse is opened read-only and released before any rendering. The page inlines Vega's JavaScript (from
vl-convert) so it opens offline and can be attached to an email; a single person's trend can also be written as
a PNG for alerts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import duckdb
import polars as pl
import vl_convert

from transforms import charts
from transforms.charts import Page, Section
from warehouse.database import open_read_only, query_frame

DEFAULT_OUT = Path("reports/presswatch-report.html")
DEFAULT_PERIOD = timedelta(days=7)
TOP_STORIES = 15
EVIDENCE_PER_PERSON = 3
# The page's own script calls vegaEmbed after the bundle, so the bundle exposes it as a global.
GLOBALS_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vegaLite = vegaLite; window.vega = vega;"


class ReportError(ValueError):
    """The report cannot be written as asked; the message says why in one line."""


@dataclass(frozen=True)
class ReportOptions:
    """What to report on: a period (default the 7 days up to the latest run's clock), people, where to write."""

    since: datetime | None = None
    until: datetime | None = None
    people: tuple[str, ...] = ()
    out: Path = DEFAULT_OUT
    png_dir: Path | None = None


@dataclass(frozen=True)
class ReportData:
    """The frames one report is drawn from, all read in one short read-only session."""

    since: datetime
    until: datetime
    as_of: datetime | None
    run_finished_at: datetime | None
    overview: pl.DataFrame
    trend: pl.DataFrame
    share_of_voice: pl.DataFrame
    person_topic: pl.DataFrame
    co_mentions: pl.DataFrame
    top_stories: pl.DataFrame
    evidence: pl.DataFrame
    feed_health: pl.DataFrame
    runs: pl.DataFrame
    spikes: pl.DataFrame


def write_report(db: Path, options: ReportOptions) -> Path:
    """Write the HTML report (and, with png_dir, one trend PNG per person shown); return the HTML path."""
    data = read_report_data(db, options)
    page = build_page(data, options, generated_at=datetime.now(UTC))
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(charts.page_html(page, vega_bundle()), encoding="utf-8")
    if options.png_dir is not None:
        for person_id in data.trend["person_id"].unique(maintain_order=True).to_list():
            write_trend_png(data.trend, person_id, options.png_dir / f"{person_id}.png")
    return options.out


def write_chart_png(db: Path, options: ReportOptions, person_id: str, out: Path) -> Path:
    """Write one person's daily and hourly trend over the report period as a PNG (for attaching to alerts)."""
    data = read_report_data(db, ReportOptions(since=options.since, until=options.until, people=(person_id,)))
    return write_trend_png(data.trend, person_id, out)


def write_trend_png(trend: pl.DataFrame, person_id: str, out: Path) -> Path:
    chart = charts.person_trend_chart(trend, person_id)
    if chart is None:
        raise ReportError(f"no mentions of {person_id} in the report period: nothing to draw")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(vl_convert.vegalite_to_png(chart.to_dict(), scale=2, vl_version=vega_lite_version()))
    return out


def read_report_data(db: Path, options: ReportOptions) -> ReportData:
    """Every frame the page needs, read in one read-only session that ends before rendering."""
    with open_read_only(db) as con:
        con.execute("set TimeZone = 'UTC'")  # timestamps come back in UTC whatever the laptop's zone
        clock = query_frame(con, "report_clock").row(0, named=True)
        as_of = clock["as_of"]
        until = as_utc(options.until or as_of or datetime.now(UTC))
        since = as_utc(options.since) if options.since else until - DEFAULT_PERIOD
        if since >= until:
            raise ReportError(
                f"the period is empty: since {since:%Y-%m-%d %H:%M} is not before until {until:%Y-%m-%d %H:%M}"
            )
        check_people(con, options.people)
        period: dict[str, object] = {"since": since, "until": until}
        selected: dict[str, object] = {**period, "people": list(options.people)}
        # Worked out first, the spike rules' reach goes back in as constants DuckDB prunes row groups with.
        reach = query_frame(con, "report_spike_reach", {**period, "as_of": as_of}).row(0, named=True)
        return ReportData(
            since=since,
            until=until,
            as_of=as_of,
            run_finished_at=clock["run_finished_at"],
            overview=query_frame(con, "report_overview", period),
            trend=query_frame(con, "report_trend", {**selected, "read_from": reach["trend_read_from"]}),
            share_of_voice=query_frame(con, "report_share_of_voice", selected),
            person_topic=query_frame(con, "report_person_topic", selected),
            co_mentions=query_frame(con, "report_co_mentions", selected),
            top_stories=query_frame(con, "report_top_stories", {**selected, "limit": TOP_STORIES}),
            evidence=query_frame(con, "report_evidence", {**selected, "per_person": EVIDENCE_PER_PERSON}),
            feed_health=query_frame(con, "report_feed_health", period),
            runs=query_frame(con, "report_runs", period),
            spikes=query_frame(
                con,
                "report_spikes",
                {"people": list(options.people), "as_of": as_of, "read_from": reach["spikes_read_from"]},
            ),
        )


def check_people(con: duckdb.DuckDBPyConnection, people: tuple[str, ...]) -> None:
    """An unknown person id is a typo the user should hear about, not an empty report."""
    if not people:
        return
    known = {str(row[0]) for row in con.execute("select person_id from people").fetchall()}
    unknown = sorted(set(people) - known)
    if unknown:
        raise ReportError(f"unknown person id(s): {', '.join(unknown)}; known: {', '.join(sorted(known)) or 'none'}")


def build_page(data: ReportData, options: ReportOptions, generated_at: datetime) -> Page:
    """Arrange the frames into the page's header, numbers and sections (charts as specs, tables as HTML)."""
    order = charts.people_order(data.trend)
    specs: dict[str, dict[str, Any]] = {}

    def chart_body(anchor: str, label: str, chart: alt.TopLevelMixin | None, empty: str) -> str:
        if chart is None:
            return charts.empty_note(empty)
        specs[anchor] = charts.spec_of(chart)
        return charts.chart_slot(anchor, label)

    nobody = "No tracked person was mentioned in this period."
    sections = (
        Section(
            "daily",
            "Mentions per day",
            "Distinct stories naming each person per UTC day. The band is what the daily alert rule expects for "
            "the person at that day's volume of stories (± 2 Poisson spreads); red diamonds are the days it calls "
            "a spike.",
            chart_body(
                "daily", "Distinct stories per person per day", charts.trend_chart(data.trend, "day", order), nobody
            ),
        ),
        Section(
            "hourly",
            "Mentions per hour",
            "Distinct stories naming each person per UTC hour, judged by the hourly alert rule (the same hour in "
            "earlier weeks, or the trailing 24 hours while history is short).",
            chart_body(
                "hourly", "Distinct stories per person per hour", charts.trend_chart(data.trend, "hour", order), nobody
            ),
        ),
        Section(
            "stories",
            "Top stories",
            "The most picked-up stories of the period: outlets counts the distinct outlets that ran the story.",
            charts.stories_table(data.top_stories)
            if not data.top_stories.is_empty()
            else charts.empty_note("No stories naming a tracked person in this period."),
        ),
        Section(
            "share-of-voice",
            "Share of voice per outlet",
            "How each outlet's mentions of tracked people split between them (who covers whom).",
            chart_body(
                "share-of-voice",
                "Share of each outlet's mentions per person",
                charts.share_of_voice_chart(data.share_of_voice, order),
                nobody,
            ),
        ),
        Section(
            "topics",
            "People and topics",
            "Distinct stories naming both the person and the topic.",
            chart_body(
                "topics",
                "Stories per person and topic",
                charts.heat_map(
                    data.person_topic,
                    x=("topic", "topic", sorted(set(data.person_topic["topic"].to_list()))),
                    y=("name", "person", order),
                    value=("stories", "stories"),
                ),
                "No story in this period names both a tracked person and a topic.",
            ),
        ),
        Section(
            "co-mentions",
            "Who is named with whom",
            "Distinct stories naming both people (rows are the people reported on).",
            chart_body(
                "co-mentions",
                "Stories naming both people",
                charts.heat_map(
                    data.co_mentions,
                    x=("other_name", "named with", co_mention_order(data.co_mentions, order)),
                    y=("name", "person", order),
                    value=("stories", "stories"),
                ),
                "No story in this period names two tracked people.",
            ),
        ),
        Section(
            "evidence",
            "Latest evidence",
            f"Per person, the newest sentences naming them (up to {EVIDENCE_PER_PERSON}), with the article.",
            charts.evidence_html(data.evidence, order) if not data.evidence.is_empty() else charts.empty_note(nobody),
        ),
        Section(
            "feeds",
            "Feed health",
            f"Every feed's state at its latest fetch, with the fetches of the period's runs ({dead_note(data)}).",
            charts.feed_health_table(data.feed_health)
            if not data.feed_health.is_empty()
            else charts.empty_note("No feeds recorded."),
        ),
        Section(
            "runs",
            "Run history",
            charts.runs_summary(data.runs),
            charts.runs_table(data.runs) if not data.runs.is_empty() else "",
        ),
    )
    return Page(
        title="presswatch report",
        facts=header_facts(data, options, generated_at),
        numbers=overview_numbers(data.overview),
        alerts=spike_lines(data.spikes),
        sections=sections,
        specs=specs,
    )


def dead_note(data: ReportData) -> str:
    """What "dead" means here: the feed-health alert rule's threshold, as the warehouse stored it."""
    thresholds = data.feed_health.get_column("dead_runs", default=pl.Series([], dtype=pl.Int32)).drop_nulls()
    if thresholds.is_empty():
        return "no feed-health alert rule, so no feed is called dead"
    return f"dead: {thresholds[0]} failed fetches in a row, the alert rule's threshold"


def co_mention_order(co_mentions: pl.DataFrame, order: list[str]) -> list[str]:
    """Columns of the co-mention matrix: the trend order, then anyone else named alongside."""
    others = sorted(set(co_mentions["other_name"].to_list()) - set(order)) if not co_mentions.is_empty() else []
    return [*order, *others]


def header_facts(data: ReportData, options: ReportOptions, generated_at: datetime) -> tuple[tuple[str, str], ...]:
    facts = [
        ("Period", f"{utc(data.since)} to {utc(data.until)}"),
        ("Generated", utc(generated_at)),
        ("Data as of", utc(data.as_of) if data.as_of else "no runs yet"),
    ]
    if options.people:
        facts.append(("People", ", ".join(options.people)))
    return tuple(facts)


def overview_numbers(overview: pl.DataFrame) -> tuple[tuple[str, str], ...]:
    row = overview.row(0, named=True) if not overview.is_empty() else {}
    labels = (
        ("stories", "distinct stories"),
        ("articles", "articles"),
        ("outlets", "outlets"),
        ("people_mentioned", "people mentioned"),
        ("mentions", "mentions"),
    )
    return tuple((label, f"{row.get(field) or 0:,}") for field, label in labels)


def spike_lines(spikes: pl.DataFrame) -> tuple[str, ...]:
    """One line per subject spiking at the latest run: what, over which window, how far above usual."""
    return tuple(
        f"{row['name']} ({row['subject_kind']}): {row['stories']} stories in the {row['grain']} to "
        f"{utc(row['window_end'])}, expected {row['expected_stories']:.1f} ({row['ratio']:.1f}×)"
        for row in spikes.iter_rows(named=True)
    )


def as_utc(moment: datetime) -> datetime:
    """A naive time from the command line is taken as UTC, like every timestamp in the warehouse."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a %d %b %Y %H:%M UTC")


def vega_lite_version() -> str:
    """vl-convert's name for the Vega-Lite version Altair writes specs for (e.g. v6_4)."""
    return "_".join(alt.SCHEMA_VERSION.split(".")[:2])


@cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one inline script; cached because vl-convert takes seconds to bundle it."""
    return vl_convert.javascript_bundle(GLOBALS_SNIPPET, vl_version=vega_lite_version())
