"""One monitoring run in plain Python: fetch -> extract -> detect -> load -> alerts -> report -> publish.

The body (`execute_run`) takes a stage runner, so the same sequence runs as Prefect tasks (flows/orchestration) or
as plain calls with the same retry rule (`plain_runner`): a one-off `presswatch run` runs that way when no Prefect
server is up. `monitor_run` wraps the body with what every run needs, whoever starts it: the run lock, a `running`
row, and a `failed` or `cancelled` row with the failure notice when the run does not finish. No Prefect here.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

from flows import quoting, seeds, stages
from flows.adapters.lock import RunInProgress, run_lock
from flows.config import DEMO_DIR, Settings
from flows.failures import describe
from transforms import budget, clocks, run_rows
from transforms.alerts import Alert
from transforms.feed_state import FeedFetch, FeedSource
from transforms.mentions import MentionDetector
from transforms.revisions import NewEntry
from transforms.topics import TopicDetector
from transforms.watchlist import Watchlist
from warehouse import database
from warehouse.loads import LoadOutcome

LOGGER = logging.getLogger("presswatch.pipeline")
P = ParamSpec("P")
R = TypeVar("R")
TRANSIENT_FEED_OUTCOMES = frozenset({"timeout", "dns", "connect-error", "http-5xx"})
# Only the stages that touch the network are retried; a failed feed or page is an outcome inside their result.
NETWORK_STAGES = frozenset({"feeds", "pages"})
# Added to an error once the run's `failed` row and the failure notice are done, so nobody records it twice.
RECORDED_NOTE = "presswatch: recorded in the runs table and notified"


class NetworkLooksDown(RuntimeError):
    """Every feed failed in a way that points at our own network rather than at the publishers."""


class RunCancelled(Exception):
    """The run was stopped from outside (Ctrl-C, SIGTERM, or Prefect cancelling it) before it finished."""


@dataclass
class RunSummary:
    """What a run did, for the console summary, the Prefect artifact and tests."""

    run_id: str
    mode: str
    as_of: datetime
    skipped: str | None = None  # why the run did not happen (another run held the lock)
    feeds: dict[str, str] = field(default_factory=dict)  # source_id -> outcome
    failed_feeds: list[str] = field(default_factory=list)  # sources whose fetch counted against them
    feed_errors: dict[str, str] = field(default_factory=dict)
    entries_seen: int = 0
    articles_new: int = 0
    articles_revised: int = 0
    articles_failed: int = 0
    detection_notes: dict[str, str] = field(default_factory=dict)  # url -> what detection left out of its text
    articles_deferred: int = 0  # entries left for later runs, by reason in `deferred_reasons`
    deferred_reasons: dict[str, int] = field(default_factory=dict)  # cap, deadline -> entries
    deferred_taken: int = 0  # entries earlier runs deferred that this run fetched
    deferred_dropped: dict[str, int] = field(default_factory=dict)  # removed feed -> its deferrals dropped
    per_feed_cap: int = 0
    deadline_s: float = 0.0
    mentions_by_person: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)
    digest_text: str = ""
    names: dict[str, str] = field(default_factory=dict)  # person and topic ids to display names
    deliveries: list[tuple[str, str, str]] = field(default_factory=list)  # masked channel, status, detail
    stage_seconds: dict[str, float] = field(default_factory=dict)
    load_counts: dict[str, int] = field(default_factory=dict)
    load_method: str = ""
    load_message: str = ""
    report_path: Path | None = None
    report_error: str = ""
    publish_notice: str = ""  # why the analysts' snapshot was copied whole, or was not published
    watchlist_notice: str = ""  # what the run re-derived for watchlist entries added or changed since the last
    clock_notes: list[str] = field(default_factory=list)  # where this run's clocks disagreed, and what it did

    @property
    def articles_cut(self) -> int:
        """Articles whose text detection read only in part, or whose rows it capped."""
        return len(self.detection_notes)


def served_run_line(summary: RunSummary) -> str:
    """One line per scheduled run for the serve terminal: what it did, in the run summary's counts."""
    if summary.skipped:
        return f"run {summary.run_id} skipped: {summary.skipped}"
    failing = f", {len(summary.failed_feeds)} failing" if summary.failed_feeds else ""
    feeds = f"{len(summary.feeds)} feed{'' if len(summary.feeds) == 1 else 's'}"
    return (
        f"run {summary.run_id} completed: {feeds}{failing}, {summary.articles_new} new articles, "
        f"{sum(summary.mentions_by_person.values())} mentions, {len(summary.alerts)} alert(s)"
    )


class StageRunner(Protocol):
    """How each stage is executed: as a Prefect task or as a plain call."""

    def __call__(self, name: str, function: Callable[..., R], *args: Any) -> R: ...


def call_directly(name: str, function: Callable[..., R], *args: Any) -> R:
    """No orchestration and no retries: what benchmarks compare the runners against."""
    return function(*args)


def feeds_look_down(fetches: Sequence[FeedFetch]) -> bool:
    """Every feed that was tried failed with a network error: our network, not the publishers, is the suspect."""
    attempted = [fetch for fetch in fetches if fetch.outcome != "skipped-backoff"]
    return bool(attempted) and all(fetch.outcome in TRANSIENT_FEED_OUTCOMES for fetch in attempted)


def plain_runner(settings: Settings) -> StageRunner:
    """Run each stage as a plain call; the network stages get the retries Prefect gives its tasks: the same count,
    waits doubling from the same delay, with up to half a delay of jitter so many installations do not retry at once."""
    import tenacity

    delay = settings.runs.task_retry_delay_s

    def run(name: str, function: Callable[..., R], *args: Any) -> R:
        if name not in NETWORK_STAGES:
            return function(*args)
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(settings.runs.task_retries + 1),
            wait=tenacity.wait_exponential(multiplier=delay, min=delay) + tenacity.wait_random(0, delay / 2),
            retry=tenacity.retry_if_exception_type(Exception)
            | tenacity.retry_if_result(lambda result: name == "feeds" and feeds_look_down(result)),
            # Out of tries: the last result (every feed failed, recorded as such) or the last error.
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
            before_sleep=lambda state: LOGGER.warning("%s: attempt %d failed; retrying", name, state.attempt_number),
        )
        return retrying(function, *args)

    return run


def timed(summary: RunSummary, stage: str, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run one stage, logging its start and recording its duration."""
    LOGGER.info("%s ...", stage)
    started = time.perf_counter()
    result = function(*args, **kwargs)
    # A stage run once per batch adds up.
    summary.stage_seconds[stage] = round(summary.stage_seconds.get(stage, 0.0) + time.perf_counter() - started, 3)
    return result


def execute_run(
    settings: Settings, feeds_path: Path, db: Path, context: run_rows.RunContext, runner: StageRunner
) -> RunSummary:
    """The pipeline body: feeds once, then the new articles in batches (pages, extraction, detection and load
    of one batch before the next, so memory follows the batch, not the run), then alerts and the report."""
    summary = RunSummary(run_id=context.run_id, mode=context.mode, as_of=context.as_of)
    now = context.started_at
    # The deadline runs on this process's monotonic clock: a run's given start time, or the machine's clock
    # jumping, can neither end its fetching early nor keep it going past the hour.
    deadline_s = settings.runs.deadline_s
    stop_at = time.monotonic() + deadline_s if deadline_s > 0 else None
    note_clock(summary, clocks.as_of_ahead_note(context.as_of, now))

    watchlist = timed(summary, "seeds", seeds.load_watchlist, settings.seeds_dir, settings.watchlist_additions)
    detectors = stages.Detectors(
        MentionDetector(watchlist),
        TopicDetector(watchlist),
        quoting.load_speech_cues(settings.seeds_dir),
        settings.detection,
    )
    sources = seeds.parse_feeds_file(feeds_path)
    states = timed(summary, "warehouse", stages.read_feed_states, db)

    fetches = timed(summary, "feeds", runner, "feeds", stages.run_feed_fetches, sources, states, settings, now)
    earlier = timed(summary, "warehouse", stages.read_deferrals, db, sources)
    removed = timed(summary, "warehouse", stages.read_removed_feed_deferrals, db, sources)
    summary.deferred_dropped = {source_id: len(urls) for source_id, urls in removed.items()}
    if removed:
        LOGGER.warning("%s", dropped_note(summary))
    picked = stages.pick_new_entries(fetches, db, earlier)
    # A removed feed's deferrals are settled: no run would take them up (put back, its unstored entries are new).
    step = feed_step(summary, context, watchlist, sources, fetches, picked, earlier, cap=settings.runs.max_new_per_feed,
                     now=now, dropped=[url for urls in removed.values() for url in urls])  # fmt: skip
    plan, totals, unrecorded = step.plan, step.totals, step.unrecorded
    feed_rows: dict[str, Any] | None = step.feed_rows
    missed = 0
    with stages.extraction_pool(settings) as pool:
        for batch in batched(plan.taken, settings.runs.batch_size):
            pages = timed(
                summary, "pages", runner, "pages", stages.run_page_fetches, batch, sources, settings, stop_at
            )
            batch, pages, late = stages.split_reached(batch, pages)
            summary.deferred_taken += sum(1 for item in batch if item.entry.url in earlier)
            if late:
                LOGGER.warning("run deadline reached: %d article(s) deferred to the next run", len(late))
                missed += len(late)
                totals.articles_deferred += len(late)
                unrecorded.append(budget.deferrals_frame(late, budget.DEADLINE_REASON, earlier,
                                                         run_id=context.run_id, now=now))  # fmt: skip
            extracted = timed(summary, "extract", runner, "extract", stages.run_extraction, batch, pages, pool)
            articles = stages.build_articles(batch, pages, extracted, now)
            del pages, extracted  # the pages' HTML: the largest thing a batch holds
            articles = timed(summary, "detect", runner, "detect", stages.detect_stage, articles, detectors, db, now)
            totals.add_batch(batch, articles)
            batch_summary(summary, batch, articles)
            tables = stages.batch_tables(context, articles, totals, "loading", feed_rows, unrecorded)
            outcome = timed(summary, "load", runner, "load", stages.load_tables, db, tables, settings, now)
            record_load(summary, outcome)
            feed_rows, unrecorded = None, []
    budget_summary(summary, settings, plan, deadline_missed=missed)
    if summary.load_method == "spooled":
        # The warehouse stayed locked: this run's rows wait in the spool and the next run merges them, then alerts.
        LOGGER.warning("warehouse locked: %s", summary.load_message)
        return summary
    return finish_run(settings, db, context, summary, runner, watchlist)


def finish_run(
    settings: Settings,
    db: Path,
    context: run_rows.RunContext,
    summary: RunSummary,
    runner: StageRunner,
    watchlist: Watchlist,
    status: str = "completed",
) -> RunSummary:
    """What every run does once its rows are loaded, one machine or sharded (flows/finalise.py): watchlist changes,
    alerts, report, the run's record closed as `status`, then the analysts' snapshot."""
    names = run_rows.display_names(watchlist)
    summary.names = names
    # Before the alerts and the report, so an added person's history is there for both.
    change = timed(summary, "watchlist", stages.watchlist_stage, db, context, watchlist, settings, names)
    summary.watchlist_notice = change.notice()
    if summary.watchlist_notice:
        LOGGER.info("watchlist: %s", summary.watchlist_notice)
    alerting = timed(summary, "alerts", runner, "alerts", stages.alert_stage, db, context, settings, names)
    summary.alerts = alerting.fired
    summary.digest_text = alerting.digest_text
    summary.deliveries = [(record.channel, record.status, record.detail) for record in alerting.deliveries]
    for note in alerting.notes:
        note_clock(summary, note)
    try:
        summary.report_path = timed(summary, "report", runner, "report", stages.report_stage, db, settings)
    except Exception as error:  # a report problem never turns a loaded and alerted run into a failure
        summary.report_error = f"{type(error).__name__}: {error}".splitlines()[0]
        LOGGER.warning("report not written: %s", summary.report_error)
    stages.end_run(db, context, status, alerts_fired=len(summary.alerts), seconds=stage_columns(summary))
    try:
        publication = timed(summary, "publish", runner, "publish", stages.publish_stage, db, context)
        summary.publish_notice = publication.notice()
    except Exception as error:  # the run is complete; the next run's publish catches the snapshot up
        summary.publish_notice = f"snapshot not published ({describe(error)}); the next run brings it up to date"
    if summary.publish_notice:
        LOGGER.warning("%s", summary.publish_notice)
    return summary


@dataclass(frozen=True)
class FeedStep:
    """What a run (or a shard) knows once its feeds are read: the work it takes on, its totals so far, its feed
    rows and the deferrals to record."""

    plan: budget.WorkPlan
    totals: run_rows.RunTotals
    feed_rows: dict[str, Any]
    unrecorded: list[Any]


def feed_step(
    summary: RunSummary,
    context: run_rows.RunContext,
    watchlist: Watchlist,
    sources: Sequence[FeedSource],
    fetches: Sequence[FeedFetch],
    picked: Sequence[NewEntry],
    earlier: Mapping[str, budget.Deferral],
    *,
    cap: int,
    now: datetime,
    dropped: Sequence[str] = (),
) -> FeedStep:
    """The run budget's plan for the picked entries (transforms/budget.py), the totals and feed rows, and the
    deferral rows: new ones over the cap, and earlier ones settled (stored meanwhile, or `dropped`)."""
    plan = budget.plan_work(picked, earlier, cap=cap)
    feed_summary(summary, fetches)
    totals = run_rows.RunTotals(
        feeds_total=len(sources),
        feeds_failed=len(summary.failed_feeds),
        entries_seen=summary.entries_seen,
        articles_deferred=len(plan.over_cap),
    )
    fresh = [item for item in picked if item.entry.url not in earlier]
    feed_rows = run_rows.feed_frames(context, watchlist, sources, fetches, fresh)
    settled = [*sorted(set(earlier) - {item.entry.url for item in picked}), *dropped]
    unrecorded = [budget.deferrals_frame(plan.over_cap, budget.CAP_REASON, earlier, run_id=context.run_id, now=now,
                                         settled=settled)]  # fmt: skip
    return FeedStep(plan, totals, feed_rows, unrecorded)


def batched(entries: Sequence[NewEntry], size: int) -> list[Sequence[NewEntry]]:
    """The entries in batches of `size`; one empty batch when there is nothing new, so the feed rows still load."""
    size = max(size, 1)
    return [entries[start : start + size] for start in range(0, len(entries), size)] or [entries]


def budget_summary(summary: RunSummary, settings: Settings, plan: budget.WorkPlan, *, deadline_missed: int) -> None:
    """The summary's deferred counts: over the per-feed cap, past the deadline, and earlier deferrals taken up."""
    reasons = {budget.CAP_REASON: len(plan.over_cap), budget.DEADLINE_REASON: deadline_missed}
    summary.deferred_reasons = {reason: count for reason, count in reasons.items() if count}
    summary.articles_deferred = sum(reasons.values())
    summary.per_feed_cap = settings.runs.max_new_per_feed
    summary.deadline_s = settings.runs.deadline_s


def deferred_note(summary: RunSummary) -> str:
    """One line on the run's bounded work, for the console summary and the Prefect artifact; empty when the run
    neither deferred anything nor took anything up."""
    if not summary.articles_deferred and not summary.deferred_taken and not summary.deferred_dropped:
        return ""
    cap = summary.deferred_reasons.get(budget.CAP_REASON, 0)
    late = summary.deferred_reasons.get(budget.DEADLINE_REASON, 0)
    reasons = [
        f"{cap} over the cap of {summary.per_feed_cap} a feed" if cap else "",
        f"{late} not reached before the run's deadline of {summary.deadline_s:g} s" if late else "",
    ]
    said = "; ".join(filter(None, reasons))
    line = f"Deferred: {summary.articles_deferred} articles for later runs ({said})" if said else "Deferred: none left"
    taken = f"; {summary.deferred_taken} deferred by earlier runs taken up" if summary.deferred_taken else ""
    dropped = f"; {dropped_note(summary)}" if summary.deferred_dropped else ""
    return line + taken + dropped


def dropped_note(summary: RunSummary) -> str:
    """What the run dropped of feeds removed from the feeds file: how many entries, and which feeds."""
    feeds = ", ".join(sorted(summary.deferred_dropped))
    count = sum(summary.deferred_dropped.values())
    return f"{count} dropped that were waiting for feeds no longer in the feeds file ({feeds})"


def record_load(summary: RunSummary, outcome: LoadOutcome) -> None:
    """Add one batch's load to the summary; once a batch is spooled, the run counts as spooled."""
    for table, count in outcome.counts.items():
        summary.load_counts[table] = summary.load_counts.get(table, 0) + count
    if summary.load_method != "spooled":
        summary.load_method = outcome.method
    said = [*outcome.notices, outcome.message if outcome.method != "direct" else ""]
    summary.load_message = "; ".join(filter(None, [summary.load_message, *said]))
    note_clock(summary, outcome.retention.note)


def note_clock(summary: RunSummary, note: str) -> None:
    """Keep a clock note once (every batch's load may say the same), and log it for scheduled runs' pages."""
    if note and note not in summary.clock_notes:
        summary.clock_notes.append(note)
        LOGGER.warning("clock: %s", note)


def stage_columns(summary: RunSummary) -> dict[str, float | None]:
    """The run's stage seconds under the runs table's column names (None for a stage that did not run)."""
    return {column: summary.stage_seconds.get(stage) for stage, column in stages.STAGE_COLUMNS.items()}


def feed_summary(summary: RunSummary, fetches: Sequence[FeedFetch]) -> None:
    """The summary's feed counts, from the feed stage."""
    summary.feeds = {fetch.source_id: fetch.outcome for fetch in fetches}
    summary.failed_feeds = sorted(fetch.source_id for fetch in fetches if fetch.failed)
    summary.feed_errors = {fetch.source_id: fetch.error for fetch in fetches if fetch.error}
    summary.entries_seen = sum(len(fetch.entries) for fetch in fetches)


def batch_summary(
    summary: RunSummary, entries: Sequence[NewEntry], articles: Sequence[run_rows.ArticleRecord]
) -> None:
    """Add one batch's articles, mentions and topics to the summary."""
    summary.articles_new += sum(1 for item in entries if item.known_article_id is None)
    summary.articles_revised += sum(1 for item in entries if item.known_article_id is not None)
    summary.articles_failed += sum(1 for article in articles if article.page.method == "failed")
    for article in articles:
        if article.detection_note:
            summary.detection_notes[article.url] = article.detection_note
        for mention in article.mentions:
            summary.mentions_by_person[mention.person_id] = summary.mentions_by_person.get(mention.person_id, 0) + 1
        for topic in article.topic_mentions:
            summary.topics[topic.topic_id] = summary.topics.get(topic.topic_id, 0) + 1


def new_context(
    mode: str, as_of: datetime | None, flow_run_id: str | None = None, started_at: datetime | None = None
) -> run_rows.RunContext:
    """A run's identity: its id carries its start time, and the Prefect flow run's id when one orchestrates it."""
    now = started_at or datetime.now(UTC)
    suffix = flow_run_id.replace("-", "")[-8:] if flow_run_id else uuid.uuid4().hex[:6]
    return run_rows.RunContext(
        run_id=f"{now:%Y%m%dT%H%M%S}-{suffix}",
        started_at=now,
        as_of=as_of or now,
        mode=mode,
        flow_run_id=flow_run_id,
    )


DEMO_PEOPLE = DEMO_DIR / "people.csv"


def settings_for_run(settings: Settings, *, demo: bool, connect_to: Sequence[Sequence[str]] = ()) -> Settings:
    """The run's settings. The demo newsroom is served by this very process, so no politeness delay is owed, and
    its stable article URLs are connected to whichever port serves it (`connect_to`)."""
    if not demo:
        return settings
    aliases = tuple((str(origin), str(target)) for origin, target in connect_to)
    # The demo is also frozen at its clock, so its news sitemap's stories stay news whatever today's date; its
    # fictional local figures are tracked beside the team's watchlist (seeds/demo/people.csv).
    return settings.with_values(
        **{
            "fetch.per_host_delay_s": 0.0,
            "fetch.news_window_h": 0.0,
            "fetch.connect_to": aliases,
            "watchlist_additions": tuple(dict.fromkeys((*settings.watchlist_additions, DEMO_PEOPLE))),
        }
    )


def monitor_run(
    settings: Settings, feeds_path: Path, db: Path, context: run_rows.RunContext, runner: StageRunner
) -> RunSummary:
    """One run with its record: skipped while another run holds the warehouse; otherwise a `running` row at once,
    `completed` once its alerts and report are done, `failed` (with the notice) or `cancelled` if it stops early."""
    try:
        with run_lock(db):
            try:
                stages.start_run(db, context)
                return execute_run(settings, feeds_path, db, context, runner)
            except (KeyboardInterrupt, RunCancelled) as stop:
                stages.end_run(db, context, "cancelled", error=describe(stop) or "interrupted")
                raise
            except BaseException as error:
                if not isinstance(error, Exception):  # SystemExit and Prefect's termination signal: a cancel
                    stages.end_run(db, context, "cancelled", error=describe(error) or type(error).__name__)
                    raise
                full = database.disk_full(db, error)
                if full is None:
                    record_failure(settings, db, context, error)
                    raise
                record_failure(settings, db, context, full)
                raise full from error
    except RunInProgress as busy:
        return RunSummary(run_id=context.run_id, mode=context.mode, as_of=context.as_of, skipped=str(busy))


def record_failure(settings: Settings, db: Path, context: run_rows.RunContext, error: BaseException) -> None:
    """Leave the run's `failed` row with the reason and tell the team; also for a run that failed before it
    started (no lock taken, nothing fetched)."""
    if RECORDED_NOTE in getattr(error, "__notes__", ()):
        return
    stages.end_run(db, context, "failed", error=describe(error))
    notify_failure(settings.alerts.urls, context, error)
    error.add_note(RECORDED_NOTE)


def notify_failure(alert_urls: Sequence[str], context: run_rows.RunContext, error: BaseException) -> None:
    """Tell the team's channels that the run itself failed: an unwatched hourly job must never fail silently."""
    body = (
        f"Run {context.run_id} ({context.mode}) failed: {describe(error)}\n"
        "Nothing from this run was loaded after the point of failure. The next scheduled run will try again; "
        "fix the cause if it repeats."
    )
    from flows.adapters.delivery import send_notice  # apprise only for a run that has something to send

    try:
        results = send_notice(list(alert_urls), "presswatch: run failed", body)
    except Exception as second:  # the notice is best effort: the failure itself is what must surface
        LOGGER.warning("could not send the failure notice: %s", second)
        return
    for channel, ok, detail in results:
        if not ok:
            LOGGER.warning("failure notice to %s not delivered: %s", channel, detail)


def run_markdown(summary: RunSummary) -> str:
    """The run's Prefect artifact: counts per stage, top people, alerts, failing feeds, durations."""
    if summary.skipped:
        return f"# presswatch run {summary.run_id}\n\nSkipped: {summary.skipped}\n"
    failing = {source: summary.feeds[source] for source in summary.failed_feeds}
    top = sorted(summary.mentions_by_person.items(), key=lambda item: -item[1])[:10]
    seconds = summary.stage_seconds
    lines = [
        f"# presswatch run {summary.run_id}",
        "",
        f"Mode {summary.mode}; alerts evaluated as of {summary.as_of:%Y-%m-%d %H:%M} UTC.",
        "",
        "| stage | count | seconds |",
        "|---|---:|---:|",
        f"| feeds | {len(summary.feeds)} ({len(failing)} failing) | {seconds.get('feeds', 0)} |",
        f"| new articles | {summary.articles_new} (+{summary.articles_revised} revised) | {seconds.get('pages', 0)} |",
        f"| extraction failures | {summary.articles_failed} | {seconds.get('extract', 0)} |",
        f"| detection cut (articles.error says what) | {summary.articles_cut} | |",
        f"| deferred to later runs | {summary.articles_deferred} ({summary.deferred_taken} taken up) | |",
        f"| mentions | {sum(summary.mentions_by_person.values())} | {seconds.get('detect', 0)} |",
        f"| rows loaded | {sum(summary.load_counts.values())} | {seconds.get('load', 0)} |",
        f"| alerts fired | {len(summary.alerts)} | {seconds.get('alerts', 0)} |",
        f"| report | {summary.report_error or 'written'} | {seconds.get('report', 0)} |",
        "",
        "## Top mentioned",
        "",
        *[f"- {summary.names.get(person, person)}: {count}" for person, count in top],
        "",
        "## Alerts",
        "",
        *(
            [
                f"- {alert.rule}: {alert.subject} {alert.value:g} vs {alert.expected:g} expected"
                for alert in summary.alerts
            ]
            or ["- none"]
        ),
        "",
        "## Failing feeds",
        "",
        *(
            [f"- {source}: {outcome} {summary.feed_errors.get(source, '')}" for source, outcome in failing.items()]
            or ["- none"]
        ),
    ]
    return "\n".join(lines) + "\n"
