"""`presswatch report`: the warehouse as one self-contained HTML page (charts, top stories, evidence, feed health).

The warehouse is opened read-only and released before any rendering. The page inlines Vega's JavaScript (from
vl-convert) so it opens offline and can be attached to an email; a single person's trend can also be written as
a PNG for alerts. Building that JavaScript takes vl-convert seconds, so it is kept on disk, keyed by vl-convert's
and Vega-Lite's versions, and built again only when they change.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import vl_convert

from transforms import charts, quote_report, report_page
from transforms.report_page import Page, Section
from warehouse.database import open_read_only, query_frame

LOGGER = logging.getLogger("presswatch.report")

DEFAULT_OUT = Path("reports/presswatch-report.html")
DEFAULT_PERIOD = timedelta(days=7)
TOP_STORIES = 15
TOP_OUTLETS = 15
EVIDENCE_PER_PERSON = 3
QUOTES_PER_PERSON = 5
# The page's own script calls vegaEmbed after the bundle, so the bundle exposes it as a global.
GLOBALS_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vegaLite = vegaLite; window.vega = vega;"
VL_VERSION = "v" + charts.VEGA_LITE_VERSION.replace(".", "_")  # vl-convert's name for it, e.g. v6_4


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
    cache_dir: Path | None = None  # where the built Vega JavaScript is kept (default: `cache/` beside the warehouse)


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
    topic_trend: pl.DataFrame
    top_outlets: pl.DataFrame
    person_topic: pl.DataFrame
    co_mentions: pl.DataFrame
    top_stories: pl.DataFrame
    evidence: pl.DataFrame
    feed_health: pl.DataFrame
    runs: pl.DataFrame
    spikes: pl.DataFrame
    quotes: pl.DataFrame = field(default_factory=pl.DataFrame)


def write_report(db: Path, options: ReportOptions) -> Path:
    """Write the HTML report (and, with png_dir, one trend PNG per person shown); return the HTML path."""
    data = read_report_data(db, options)
    page = build_page(data, options, generated_at=datetime.now(UTC))
    options.out.parent.mkdir(parents=True, exist_ok=True)
    bundle = vega_bundle(options.cache_dir or db.parent / "cache")
    options.out.write_text(report_page.page_html(page, bundle), encoding="utf-8")
    if options.png_dir is not None:
        for person_id in data.trend["person_id"].unique(maintain_order=True).to_list():
            write_trend_png(data.trend, person_id, options.png_dir / f"{person_id}.png")
    return options.out


def write_chart_png(db: Path, options: ReportOptions, person_id: str, out: Path) -> Path:
    """Write one person's daily and hourly trend over the report period as a PNG (for attaching to alerts)."""
    data = read_report_data(db, ReportOptions(since=options.since, until=options.until, people=(person_id,)))
    return write_trend_png(data.trend, person_id, out)


def write_trend_png(trend: pl.DataFrame, person_id: str, out: Path) -> Path:
    spec = charts.person_trend_picture(trend, person_id)
    if spec is None:
        raise ReportError(f"no mentions of {person_id} in the report period: nothing to draw")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(vl_convert.vegalite_to_png(spec, scale=2, vl_version=VL_VERSION))
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
            topic_trend=query_frame(con, "report_topic_trend", period),
            top_outlets=query_frame(con, "report_top_outlets", {**selected, "limit": TOP_OUTLETS}),
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
            quotes=query_frame(con, "report_quotes", {**selected, "per_person": QUOTES_PER_PERSON}),
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
    colours = charts.colours(order)
    specs: dict[str, dict[str, Any]] = {}

    def chart_body(slot: str, label: str, spec: dict[str, Any] | None, empty: str) -> str:
        if spec is None:
            return report_page.empty_note(empty)
        specs[slot] = spec
        return report_page.chart_slot(slot, label)

    nobody = "No tracked person was mentioned in this period."
    pick = "Click a name in the legend to pick it, shift-click to add more; double-click the chart to show all."
    sections = (
        Section(
            "share",
            "Share of voice",
            "Each day, how the distinct stories naming a tracked person split between them. " + pick,
            chart_body(
                "share",
                "Share of each day's stories per person",
                charts.share_over_time(data.trend, order),
                nobody,
            ),
        ),
        Section(
            "people",
            "People over time",
            f"Distinct stories naming each person per UTC day; the {charts.PICKED_BY_DEFAULT} most covered and anyone "
            f"spiking in colour, red diamonds on spikes by the alert rule. {pick}",
            chart_body("people", "Distinct stories per person per day", charts.people_trend(data.trend, order), nobody),
        ),
        Section(
            "usual",
            "Against the usual level",
            "Each person's distinct stories per UTC day against the band the daily alert rule expects for them at "
            "that day's volume of stories (± 2 Poisson spreads), on one scale; spiking people first.",
            usual_level_multiples(data.trend, order, colours, specs) or report_page.empty_note(nobody),
        ),
        Section(
            "hourly",
            "Mentions per hour",
            "Distinct stories naming each person per UTC hour: darker is more; red diamonds are hours the hourly "
            "alert rule calls a spike (it compares the same hour in earlier weeks, or the trailing 24 hours while "
            "history is short).",
            chart_body(
                "hourly",
                "Distinct stories per person per hour",
                charts.hourly_heat_map(data.trend, order),
                nobody,
            ),
        ),
        Section(
            "stories",
            "Top stories",
            "The most picked-up stories of the period: outlets counts the distinct outlets that ran the story.",
            report_page.stories_table(data.top_stories)
            if not data.top_stories.is_empty()
            else report_page.empty_note("No stories naming a tracked person in this period."),
        ),
        Section(
            "topics",
            "Topics over time",
            "Distinct stories naming each tracked topic per UTC day. Click a topic in the legend to pick it.",
            chart_body(
                "topics",
                "Distinct stories per topic per day",
                charts.topic_trend(data.topic_trend),
                "No tracked topic was mentioned in this period.",
            ),
            half=True,
        ),
        Section(
            "outlets",
            "Top outlets",
            f"The outlets that published most in the period (up to {TOP_OUTLETS}), and how many of their articles "
            "name a tracked person.",
            chart_body(
                "outlets",
                "Articles per outlet",
                charts.top_outlets(data.top_outlets),
                "No articles in this period.",
            ),
            half=True,
        ),
        Section(
            "share-of-voice",
            "Share of voice per outlet",
            "How each outlet's mentions of tracked people split between them (who covers whom). " + pick,
            chart_body(
                "share-of-voice",
                "Share of each outlet's mentions per person",
                charts.share_of_voice_by_outlet(data.share_of_voice, order),
                nobody,
            ),
        ),
        Section(
            "person-topics",
            "People and topics",
            "Distinct stories naming both the person and the topic.",
            chart_body(
                "person-topics",
                "Stories per person and topic",
                charts.heat_map(
                    data.person_topic,
                    x=("topic", "topic", sorted(set(data.person_topic["topic"].to_list()))),
                    y=("name", "person", order),
                    value=("stories", "stories"),
                ),
                "No story in this period names both a tracked person and a topic.",
            ),
            half=True,
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
            half=True,
        ),
        Section(
            "evidence",
            "Latest evidence",
            f"Per person, the newest sentences naming them (up to {EVIDENCE_PER_PERSON}), with the article.",
            report_page.evidence_html(data.evidence, order, colours)
            if not data.evidence.is_empty()
            else report_page.empty_note(nobody),
        ),
        said_section(data.quotes, order),
        Section(
            "feeds",
            "Feed health",
            f"Every feed's state at its latest fetch, with the fetches of the period's runs ({dead_note(data)}; "
            "damaged: the feed's document is broken but its entries were still read, so it does not count as a "
            "failure).",
            report_page.feed_health_table(data.feed_health)
            if not data.feed_health.is_empty()
            else report_page.empty_note("No feeds recorded."),
        ),
        Section(
            "runs",
            "Run history",
            report_page.runs_summary(data.runs),
            report_page.runs_table(data.runs) if not data.runs.is_empty() else "",
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


def usual_level_multiples(
    trend: pl.DataFrame, order: list[str], colours: dict[str, str], specs: dict[str, dict[str, Any]]
) -> str:
    """One small chart per person (spiking people first), each in a grid cell as wide as the screen allows."""
    days = trend.filter(pl.col("grain") == "day")
    if days.is_empty():
        return ""
    spiking = set(days.filter(pl.col("is_spike"))["name"].to_list())
    ceiling = charts.usual_level_ceiling(trend)
    panels = []
    for index, name in enumerate(sorted(order, key=lambda name: name not in spiking), start=1):
        spec = charts.usual_level(trend, name, colours[name], ceiling)
        if spec is not None:
            slot = f"usual-{index}"
            specs[slot] = spec
            panels.append((slot, name, colours[name], name in spiking))
    return report_page.usual_level_key() + report_page.multiples_html(panels)


def said_section(quotes: pl.DataFrame, order: list[str]) -> Section:
    """"What they said": per person, their newest quotes of the period with pickup counts and links."""
    return Section(
        "said",
        "What they said",
        f"Per person, their newest quotes of the period (up to {QUOTES_PER_PERSON}), each once however many outlets "
        "ran it: where it ran first and how many outlets and articles carried it. A quote counts for a person only "
        "when the article names them as its speaker.",
        quote_report.quotes_html(quotes, order)
        if not quotes.is_empty()
        else report_page.empty_note("No quote in this period is attributed to a tracked person."),
    )


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
    """One line per subject spiking at the latest run: what, over which window, how far above usual (the ratio and
    the z-score, the two figures the rule holds against its thresholds)."""
    return tuple(
        f"{row['name']} ({row['subject_kind']}): {row['stories']} stories in the {row['grain']} to "
        f"{utc(row['window_end'])}, expected {row['expected_stories']:.1f} ({row['ratio']:.1f}×, z {row['zscore']:.1f})"
        for row in spikes.iter_rows(named=True)
    )


def as_utc(moment: datetime) -> datetime:
    """A naive time from the command line is taken as UTC, like every timestamp in the warehouse."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a %d %b %Y %H:%M UTC")


def vega_bundle(cache_dir: Path) -> str:
    """Vega, Vega-Lite and vega-embed as one inline script, from the disk cache when this version was built before.

    A cache that cannot be read or written (say, an analyst's read-only copy) only costs the build."""
    path = cache_dir / bundle_file_name()
    try:
        cached = path.read_text(encoding="utf-8")
        if "vegaEmbed" in cached:
            return cached
    except OSError:
        pass
    bundle = built_bundle()
    try:
        store_bundle(path, bundle)
    except OSError as error:
        LOGGER.debug("Vega bundle not cached at %s: %s", path, error)
    return bundle


def bundle_file_name() -> str:
    """Names the bundle by everything that changes it: vl-convert's version, Vega-Lite's and the page's snippet."""
    snippet = hashlib.sha256(GLOBALS_SNIPPET.encode()).hexdigest()[:12]
    return f"vega-bundle-{version('vl-convert-python')}-{VL_VERSION}-{snippet}.js"


def store_bundle(path: Path, bundle: str) -> None:
    """Write atomically (a concurrent report never reads half a file) and drop bundles of other versions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False) as file:
        temporary = Path(file.name)
        try:
            file.write(bundle)
        except OSError:
            temporary.unlink(missing_ok=True)
            raise
    temporary.chmod(0o644)  # readable by the analysts who write reports from the same warehouse folder
    os.replace(temporary, path)
    for old in path.parent.glob("vega-bundle-*.js"):
        if old != path:
            old.unlink(missing_ok=True)


@cache
def built_bundle() -> str:
    """vl-convert's bundle, built once per process."""
    return vl_convert.javascript_bundle(GLOBALS_SNIPPET, vl_version=VL_VERSION)
