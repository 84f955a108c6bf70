"""A sharded run's plain functions (docs/cluster.md): plan on the warehouse machine, one shard's work on any
worker, and the finaliser (flows/finalise.py). Prefect wraps these (flows/orchestration); no Prefect here.

plan_run  - opens the run, assigns hosts to shards (transforms/shard_plan.py; the plan is stored in the
            warehouse so a host keeps its shard), and stages what each shard needs from the warehouse: its feeds'
            states, their deferred entries, and the stored articles of its feeds.
run_shard - today's stages up to detection for the shard's hosts, with no warehouse access; stages each batch's
            rows, replacing what an earlier attempt of the same shard staged, then its status row.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from flows import pipeline, quoting, seeds, stages
from flows.adapters.fetching import fetch_feeds
from flows.config import Settings
from flows.failures import describe
from transforms import budget, run_rows, shard_plan
from transforms.feed_state import FeedSource
from transforms.mentions import MentionDetector
from transforms.stories import print_for
from transforms.topics import TopicDetector
from warehouse import database

if TYPE_CHECKING:
    from warehouse.staging import StagingArea

LOGGER = logging.getLogger("presswatch.shards")
# A feed relisting an article older than this is judged as new (its row is replaced, not revised): what a shard is
# given of the warehouse must stay small at 1M articles a day.
KNOWN_LOOKBACK = timedelta(days=14)
RECENT_VOLUME = timedelta(days=1)  # the articles a host brought in this long weigh in its plan

# The staged tables: a shard's rows per batch (the one-machine run's load tables) and what it needs and says.
ROW_TABLES = (
    "sources", "people", "topics", "feed_state", "articles", "feed_fetches", "mentions", "topic_mentions",
    "quotes", "deferred_articles", "replaced_articles",
)  # fmt: skip
INPUT_TABLES = ("input_feed_state", "input_deferrals", "input_known_articles")
STATUS_TABLE = "shard_status"


@dataclass(frozen=True)
class Staging:
    """Where shards stage rows: a local path or s3://bucket/prefix, with the delta-rs storage options."""

    uri: str
    storage_options: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings, uri: str | None = None) -> Staging:
        """`uri`, else PRESSWATCH_STAGING_URI (default: `staging` beside the warehouse) and, for s3://, the
        endpoint, region and keys; commits on S3 use conditional puts, so no lock service is needed."""
        staged = settings.staging
        uri = uri or staged.uri or str((settings.data_dir / "staging").resolve())
        options: dict[str, str] = {}
        if uri.startswith("s3://"):
            options = {"AWS_REGION": staged.region, "conditional_put": "etag"}
            if staged.endpoint_url:
                options["AWS_ENDPOINT_URL"] = staged.endpoint_url
                options["AWS_ALLOW_HTTP"] = str(staged.endpoint_url.startswith("http://")).lower()
            if staged.key_id:
                options["AWS_ACCESS_KEY_ID"] = staged.key_id
                options["AWS_SECRET_ACCESS_KEY"] = staged.secret_key
        return cls(uri, options)

    def area(self) -> StagingArea:
        from warehouse.staging import StagingArea

        if "://" not in self.uri:
            Path(self.uri).mkdir(parents=True, exist_ok=True)
        return StagingArea(self.uri, self.storage_options)


@dataclass(frozen=True)
class ShardPlan:
    """One sharded run: its identity and clock, and which hosts each shard fetches. JSON for Prefect parameters."""

    run_id: str
    shards: int
    hosts_by_shard: dict[int, list[str]]
    started_at: str  # ISO 8601, the run's start: every shard stamps its rows with it, as one machine would
    as_of: str
    mode: str = "live"
    first_hosts: list[str] = field(default_factory=list)  # hosts whose shard went missing last run: first
    flow_run_id: str | None = None
    staging_uri: str | None = None  # where the parent reads what shards stage (shard_staging)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ShardPlan:
        data = json.loads(text)
        data["hosts_by_shard"] = {int(shard): list(hosts) for shard, hosts in data["hosts_by_shard"].items()}
        return cls(**data)

    def context(self) -> run_rows.RunContext:
        return run_rows.RunContext(
            run_id=self.run_id,
            started_at=datetime.fromisoformat(self.started_at),
            as_of=datetime.fromisoformat(self.as_of),
            mode=self.mode,
            flow_run_id=self.flow_run_id,
        )

    def shard_of(self) -> dict[str, int]:
        return {host: shard for shard, hosts in self.hosts_by_shard.items() for host in hosts}

    def sources_of(self, sources: Sequence[FeedSource], shard: int) -> list[FeedSource]:
        """The shard's feeds, those of hosts missed last run first (a stable order otherwise)."""
        hosts = set(self.hosts_by_shard.get(shard, ()))
        first = set(self.first_hosts)
        mine = [source for source in sources if shard_plan.host_of(source.feed_url) in hosts]
        return sorted(mine, key=lambda source: shard_plan.host_of(source.feed_url) not in first)


@dataclass(frozen=True)
class ShardOutcome:
    """What one shard did, as its staged status row says."""

    run_id: str
    shard: int
    worker: str
    status: str  # completed or failed
    batches: int
    articles_staged: int
    seconds: float
    error: str = ""


def shard_staging(settings: Settings, plan: ShardPlan) -> Staging:
    """Where a shard stages: where its plan says (the parent's location, which the finaliser reads), reached with
    this machine's endpoint and keys; a machine's own default (beside its PRESSWATCH_DB) would lose the rows."""
    return Staging.from_settings(settings, uri=plan.staging_uri)


def plan_run(
    settings: Settings,
    feeds_path: Path,
    db: Path,
    shards: int,
    staging: Staging,
    *,
    mode: str = "live",
    as_of: datetime | None = None,
    flow_run_id: str | None = None,
) -> ShardPlan:
    """Open the run (its `running` row), assign hosts to shards keeping earlier assignments, store the plan, and
    stage what each shard needs from the warehouse."""
    sources = seeds.parse_feeds_file(feeds_path)
    context = pipeline.new_context(mode, as_of, flow_run_id)
    now = context.started_at
    feeds_by_host: dict[str, int] = {}
    host_by_source = {source.source_id: shard_plan.host_of(source.feed_url) for source in sources}
    for host in host_by_source.values():
        feeds_by_host[host] = feeds_by_host.get(host, 0) + 1
    stages.start_run(db, context)
    with database.opened(db) as con:
        stored = database.query_frame(con, "shard_hosts")
        recent = database.query_frame(con, "shard_recent_articles", {"since": now - RECENT_VOLUME})
        volume: dict[str, int] = {}
        for row in recent.iter_rows(named=True):
            owner = host_by_source.get(row["source_id"])
            if owner is not None:
                volume[owner] = volume.get(owner, 0) + int(row["articles"])
        weights = shard_plan.host_weights(feeds_by_host, volume)
        earlier = {row["host"]: int(row["shard"]) for row in stored.iter_rows(named=True)}
        earlier_shards = int(stored["shards"][0]) if not stored.is_empty() else None
        missed = [str(row["host"]) for row in stored.iter_rows(named=True)
                  if row["missed_run"] and row["host"] in weights]  # fmt: skip
        assignment = shard_plan.assign_hosts(weights, shards, earlier, earlier_shards)
        planned = pl.DataFrame(
            {
                "host": list(assignment),
                "shard": list(assignment.values()),
                "shards": [shards] * len(assignment),
                "weight": [weights[host] for host in assignment],
                "run_id": [context.run_id] * len(assignment),
                "missed_run": [None] * len(assignment),
            },
            schema_overrides={"shard": pl.Int32, "shards": pl.Int32, "missed_run": pl.String},
        )
        con.register("planned_hosts", planned.to_arrow())
        con.execute("begin transaction")
        con.execute(database.read_sql("shard_hosts_save"))
        con.execute("commit")
        con.unregister("planned_hosts")
        feed_states = database.query_frame(con, "feed_states")
        deferrals = database.query_frame(con, "deferred_articles")
        con.register("shard_sources", pl.DataFrame({"source_id": [s.source_id for s in sources]}).to_arrow())
        known = database.query_frame(con, "shard_known_articles", {"since": now - KNOWN_LOOKBACK})
        con.unregister("shard_sources")
    plan = ShardPlan(
        run_id=context.run_id,
        shards=shards,
        hosts_by_shard=shard_plan.by_shard(assignment, shards),
        started_at=context.started_at.isoformat(),
        as_of=context.as_of.isoformat(),
        mode=mode,
        first_hosts=sorted(missed),
        flow_run_id=flow_run_id,
        staging_uri=staging.uri,
    )
    stage_inputs(staging.area(), plan, sources, feed_states, deferrals, known)
    return plan


def stage_inputs(
    area: StagingArea,
    plan: ShardPlan,
    sources: Sequence[FeedSource],
    feed_states: pl.DataFrame,
    deferrals: pl.DataFrame,
    known: pl.DataFrame,
) -> None:
    """Each shard's slice of the warehouse, staged for the run (batch 0 of the input tables)."""
    for shard in range(plan.shards):
        mine = [source.source_id for source in plan.sources_of(sources, shard)]
        for name, frame in zip(INPUT_TABLES, (feed_states, deferrals, known), strict=True):
            sliced = frame.filter(pl.col("source_id").is_in(mine)) if not frame.is_empty() else frame
            area.write_batch(name, sliced, run_id=plan.run_id, shard=shard, batch=0)


def run_shard(
    settings: Settings,
    feeds_path: Path,
    staging: Staging,
    plan: ShardPlan,
    shard: int,
    worker: str,
    deadline_s: float,
) -> ShardOutcome:
    """One shard's stages up to detection, staged batch by batch; its status row last. A failure stages a
    `failed` status (one line) and is raised again, so the orchestrator may retry the shard elsewhere."""
    area = staging.area()
    started_at = datetime.now(UTC)
    started = time.monotonic()
    clear_shard(area, plan.run_id, shard)
    status: dict[str, Any] = {"worker": worker, "started_at": started_at}
    try:
        counts = shard_body(settings, feeds_path, area, plan, shard, deadline_s)
    except Exception as error:
        seconds = round(time.monotonic() - started, 3)
        stage_status(area, plan, shard, {**status, "status": "failed", "seconds": seconds, "error": describe(error)})
        raise
    seconds = round(time.monotonic() - started, 3)
    stage_status(area, plan, shard, {**status, **counts, "status": "completed", "seconds": seconds})
    return ShardOutcome(
        plan.run_id, shard, worker, "completed", int(counts["batches"]), int(counts["articles_staged"]), seconds
    )


def clear_shard(area: StagingArea, run_id: str, shard: int) -> None:
    """Forget what an earlier attempt of this shard staged for the run, status first (so no one loads a half)."""
    from warehouse.staging import shard_predicate

    for name in (STATUS_TABLE, *ROW_TABLES):
        area.replace(name, pl.DataFrame(), shard_predicate(run_id, shard))


def stage_status(area: StagingArea, plan: ShardPlan, shard: int, values: dict[str, Any]) -> None:
    from warehouse.staging import shard_predicate

    row = {
        "staged_run": plan.run_id,
        "run_id": plan.run_id,
        "shard": shard,
        "batch": 0,
        "finished_at": datetime.now(UTC),
        **{name: values.get(name) for name in STATUS_COLUMNS},
    }
    frame = pl.DataFrame([row], schema=STATUS_SCHEMA)
    area.replace(STATUS_TABLE, frame, shard_predicate(plan.run_id, shard))


STATUS_SCHEMA: dict[str, Any] = {
    "staged_run": pl.String,
    "run_id": pl.String,
    "shard": pl.Int32,
    "batch": pl.Int32,
    "finished_at": run_rows.TIMESTAMP,
    "worker": pl.String,
    "status": pl.String,
    "started_at": run_rows.TIMESTAMP,
    "seconds": pl.Float64,
    "error": pl.String,
    "batches": pl.Int32,
    "articles_staged": pl.Int32,
    "feeds": pl.Int32,
    "feeds_failed": pl.Int32,
    "entries_seen": pl.Int32,
    "articles_new": pl.Int32,
    "articles_revised": pl.Int32,
    "articles_failed": pl.Int32,
    "mentions_new": pl.Int32,
    "topic_mentions_new": pl.Int32,
    "articles_deferred": pl.Int32,
    "deferred_taken": pl.Int32,
    "stage_seconds": pl.String,  # JSON: stage -> seconds
}
STATUS_KEYS = ("staged_run", "run_id", "shard", "batch", "finished_at")
STATUS_COLUMNS = tuple(name for name in STATUS_SCHEMA if name not in STATUS_KEYS)


def shard_body(
    settings: Settings, feeds_path: Path, area: StagingArea, plan: ShardPlan, shard: int, deadline_s: float
) -> dict[str, Any]:
    """execute_run's stages up to detection (flows/pipeline.py) for the shard's feeds; stories are left to the
    finaliser, which sees every shard's articles. Returns the status row's counts."""
    context = plan.context()
    now = context.started_at
    summary = pipeline.RunSummary(run_id=context.run_id, mode=context.mode, as_of=context.as_of)
    runner = pipeline.plain_runner(settings)
    stop_at = time.monotonic() + deadline_s if deadline_s > 0 else None
    everyone = seeds.parse_feeds_file(feeds_path)
    sources = plan.sources_of(everyone, shard)
    watchlist = seeds.load_watchlist(settings.seeds_dir, settings.watchlist_additions)
    detectors = stages.Detectors(
        MentionDetector(watchlist),
        TopicDetector(watchlist),
        quoting.load_speech_cues(settings.seeds_dir),
        settings.detection,
    )
    where = {"staged_run": plan.run_id, "shard": shard}
    states = stages.feed_states_from_frame(area.read("input_feed_state", where))
    earlier = stages.deferrals_from_frame(area.read("input_deferrals", where), {s.source_id for s in sources})
    known = area.read("input_known_articles", where)
    # Every feed's origin may be reached (a sitemap or page of one outlet may sit on another's host).
    guard_sources = everyone
    fetches = pipeline.timed(
        summary, "feeds", runner, "feeds",
        lambda: fetch_feeds(sources, states, settings=settings.fetch, guard=stages.url_guard_for(guard_sources),
                            now=now),
    )  # fmt: skip
    first_by_url = stages.candidate_entries(fetches, earlier)
    picked = stages.pick_from_known(first_by_url, known) if first_by_url else []
    step = pipeline.feed_step(summary, context, watchlist, sources, fetches, picked, earlier,
                              cap=settings.runs.max_new_per_feed, now=now)  # fmt: skip
    work, totals, unrecorded = step.plan, step.totals, step.unrecorded
    feed_rows: dict[str, pl.DataFrame] | None = step.feed_rows
    batches = staged = 0
    with stages.extraction_pool(settings) as pool:
        for index, batch in enumerate(pipeline.batched(work.taken, settings.runs.batch_size)):
            pages = pipeline.timed(
                summary, "pages", runner, "pages", stages.run_page_fetches, batch, guard_sources, settings, stop_at
            )
            batch, pages, late = stages.split_reached(batch, pages)
            summary.deferred_taken += sum(1 for item in batch if item.entry.url in earlier)
            if late:
                totals.articles_deferred += len(late)
                unrecorded.append(budget.deferrals_frame(late, budget.DEADLINE_REASON, earlier,
                                                         run_id=context.run_id, now=now))  # fmt: skip
            extracted = pipeline.timed(
                summary, "extract", runner, "extract", stages.run_extraction, batch, pages, pool
            )
            articles = stages.build_articles(batch, pages, extracted, now)
            del pages, extracted
            articles = pipeline.timed(summary, "detect", runner, "detect", stages.detect_all, articles, detectors)
            totals.add_batch(batch, articles)
            pipeline.batch_summary(summary, batch, articles)
            tables = stages.batch_tables(context, articles, totals, "loading", feed_rows, unrecorded)
            stage_batch(area, plan, shard, index, tables, articles)
            staged += len(articles)
            batches += 1
            feed_rows, unrecorded = None, []
    return {
        "batches": batches,
        "articles_staged": staged,
        "feeds": len(sources),
        "feeds_failed": totals.feeds_failed,
        "entries_seen": totals.entries_seen,
        "articles_new": summary.articles_new,
        "articles_revised": summary.articles_revised,
        "articles_failed": summary.articles_failed,
        "mentions_new": totals.mentions_new,
        "topic_mentions_new": totals.topic_mentions_new,
        "articles_deferred": totals.articles_deferred,
        "deferred_taken": summary.deferred_taken,
        "stage_seconds": json.dumps(summary.stage_seconds, sort_keys=True),
    }


def stage_batch(
    area: StagingArea,
    plan: ShardPlan,
    shard: int,
    batch: int,
    tables: Any,
    articles: Sequence[run_rows.ArticleRecord],
) -> None:
    """One batch's rows in every staged table (an empty frame clears the batch's earlier rows there). Articles
    carry their story print (signature and shingles) so the finaliser clusters without re-reading texts."""
    frames = dict(tables.frames())
    prints = {article.article_id: print_for(article.text, article.page.story_print) for article in articles}
    if not frames["articles"].is_empty():
        frames["articles"] = frames["articles"].with_columns(
            pl.col("article_id").map_elements(lambda a: prints[a].signature, return_dtype=pl.Binary)
            .alias("story_signature"),
            pl.col("article_id").map_elements(lambda a: prints[a].shingles, return_dtype=pl.Binary)
            .alias("story_shingles"),
        )  # fmt: skip
    frames["replaced_articles"] = pl.DataFrame(
        {"article_id": list(tables.replaced_article_ids)}, schema={"article_id": pl.String}
    )
    frames.pop("runs", None)
    frames.pop("alerts", None)
    for name in ROW_TABLES:
        frame = frames.get(name, pl.DataFrame())
        if not frame.is_empty():  # the shard's earlier rows were cleared when it started (clear_shard)
            area.write_batch(name, frame, run_id=plan.run_id, shard=shard, batch=batch)
