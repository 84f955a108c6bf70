"""The one place that reads presswatch's environment: every setting has a PRESSWATCH_ variable and a default.

The CLI (and, for scheduled runs, the flow's entry point) turns the environment into one typed `Settings` and
passes it down; nothing below reads `os.environ` (tests/test_architecture.py checks). Settings are grouped by the
part of the product they steer and nested, not copied field by field: the HTTP layer receives `settings.fetch`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
DEMO_DIR = SEEDS_DIR / "demo"
VERSION = "0.1"
SQL_MEMORY_CEILING_MB = 2048
SQL_MEMORY_FLOOR_MB = 64


@dataclass(frozen=True)
class FetchSettings:
    """Limits and politeness for every request the HTTP layer makes."""

    contact: str = "presswatch operator (set PRESSWATCH_CONTACT)"  # an email or URL publishers can reach
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    deadline_s: float = 30.0
    max_redirects: int = 5
    max_bytes: int = 5_000_000
    per_host_concurrency: int = 2
    global_concurrency: int = 8
    per_host_delay_s: float = 1.0
    # Feed polls are conditional and mostly answered 304: a shorter gap between them keeps an hourly run with
    # many section feeds on one host (feeds.bbci.co.uk) quick without bursting at the publisher.
    feed_per_host_delay_s: float = 0.25
    max_retry_after_wait_s: float = 30.0  # wait this long inside a run for a host's Retry-After, no longer
    max_crawl_delay_s: float = 10.0  # robots.txt Crawl-delay is honoured up to this
    full_fetch_interval_s: float = 24 * 3600.0  # how often a feed is fetched without validators to audit 304s
    news_window_h: float = 48.0  # news sitemap entries older than this are not news; 0 takes every entry
    # Requests for the first origin go to the second: the demo newsroom keeps its article URLs (and so their ids)
    # whatever port serves it. Empty for real feeds.
    connect_to: tuple[tuple[str, str], ...] = ()

    @property
    def news_window_s(self) -> float:
        return self.news_window_h * 3600.0

    @property
    def user_agent(self) -> str:
        return f"presswatch/{VERSION}"

    @property
    def user_agent_header(self) -> str:
        """The User-Agent sent: presswatch, its version, and who to contact."""
        suffix = f"; +{self.contact}" if self.contact else ""
        return f"{self.user_agent} (media monitoring{suffix})"


@dataclass(frozen=True)
class ExtractionSettings:
    """The extraction workers: how many, and the hard limits on each page."""

    workers: int = 2
    time_limit_s: float = 20.0
    memory_mb: int = 1024


@dataclass(frozen=True)
class DetectionSettings:
    """What the detect stage reads of one article and keeps from it, whatever the page (transforms/bounds.py)."""

    # The longest real article text seen is about 55,000 characters; a live blog may reach 200,000.
    max_chars: int = 300_000
    max_occurrences: int = 1_000  # rows per person or topic in one article; it still counts as one article


@dataclass(frozen=True)
class RunSettings:
    """How a run retries, waits for a locked warehouse, and keeps text."""

    task_retries: int = 2
    task_retry_delay_s: float = 10.0
    lock_attempts: int = 5
    text_retention_days: int = 0  # 0 keeps article text forever; N drops it (not counts or snippets) after N days
    batch_size: int = 500  # articles fetched, extracted, detected and loaded together: bounds a run's memory
    # A run's work is bounded by what no publisher chooses (transforms/budget.py): new articles per feed, and the
    # run's seconds, below the hourly schedule's interval. What is left waits in deferred_articles for the next run.
    max_new_per_feed: int = 50  # 0: no cap
    deadline_s: float = 2700.0  # from the run's start, no page request is started after this; 0: no deadline


def default_sql_memory_mb() -> int:
    """A quarter of the machine's memory, at most 2 GB: an analyst's query spills to disk beyond it."""
    try:
        total_mb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**20
    except (ValueError, OSError):  # a platform that does not say: the 2 GB ceiling
        return SQL_MEMORY_CEILING_MB
    return max(SQL_MEMORY_FLOOR_MB, min(SQL_MEMORY_CEILING_MB, total_mb // 4))


@dataclass(frozen=True)
class SqlSettings:
    """What one `presswatch sql` session may take, so an analyst's heavy query leaves the hourly run its memory
    and disk: DuckDB's memory limit (raised by no SET while the session is locked) and how much it may spill."""

    memory_mb: int = field(default_factory=default_sql_memory_mb)
    spill_mb: int = 4096  # written to a private folder in the system's temporary directory, removed afterwards


@dataclass(frozen=True)
class AlertSettings:
    """Where alerts go and what they link to."""

    urls: tuple[str, ...] = ()  # apprise URLs; secret: never printed or logged
    secret_block: str = ""  # a Prefect Secret block holding the URLs instead
    report_url: str = ""  # where the team opens the published report; alerts link to it when set


@dataclass(frozen=True)
class StagingSettings:
    """Where the shards of a sharded run stage their rows (docs/cluster.md): a folder, or s3://bucket/prefix on S3
    or an S3-compatible store (MinIO, ...) at `endpoint_url`. Empty `uri`: the folder `staging` beside the warehouse."""

    uri: str = ""
    endpoint_url: str = ""  # an S3-compatible endpoint; empty for AWS S3 itself
    region: str = "us-east-1"
    key_id: str = ""  # the access key id; empty: the machine's own AWS credentials chain
    secret_key: str = ""  # secret: never printed or logged


@dataclass(frozen=True)
class Settings:
    """Effective configuration; `presswatch config` prints it with secrets masked and where each value came from."""

    db: Path = PROJECT_DIR / "data" / "presswatch.duckdb"
    feeds: Path = SEEDS_DIR / "feeds.csv"
    seeds_dir: Path = SEEDS_DIR
    report_dir: Path = PROJECT_DIR / "reports"
    prefect_port: int = 4200  # the local Prefect server `presswatch serve` starts (another port if this is taken)
    # People files read after seeds_dir's people.csv, same columns: the demo's fictional local figures join the
    # team's watchlist for a demo run without being written into the team's own seeds.
    watchlist_additions: tuple[Path, ...] = ()
    fetch: FetchSettings = field(default_factory=FetchSettings)
    extraction: ExtractionSettings = field(default_factory=ExtractionSettings)
    detection: DetectionSettings = field(default_factory=DetectionSettings)
    runs: RunSettings = field(default_factory=RunSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    sql: SqlSettings = field(default_factory=SqlSettings)
    staging: StagingSettings = field(default_factory=StagingSettings)

    @property
    def data_dir(self) -> Path:
        """The folder beside the warehouse: logs, the local Prefect server's state, caches, the SQL history."""
        return self.db.parent

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def rules_file(self) -> Path:
        return self.seeds_dir / "alert_rules.csv"

    def with_values(self, **paths: Any) -> Settings:
        """A copy with some values changed, nested ones named by their path: `with_values(**{"fetch.max_bytes": 9})`."""
        result = self
        for path, value in paths.items():
            result = set_path(result, path.split("."), value)
        return result


@dataclass(frozen=True)
class Variable:
    """One PRESSWATCH_ variable: the setting it fills, and whether it is a secret."""

    name: str
    path: str
    secret: bool = False


VARIABLES = (
    Variable("PRESSWATCH_DB", "db"),
    Variable("PRESSWATCH_FEEDS", "feeds"),
    Variable("PRESSWATCH_SEEDS_DIR", "seeds_dir"),
    Variable("PRESSWATCH_REPORT_DIR", "report_dir"),
    Variable("PRESSWATCH_PREFECT_PORT", "prefect_port"),
    Variable("PRESSWATCH_ALERT_URLS", "alerts.urls", secret=True),
    Variable("PRESSWATCH_ALERT_SECRET_BLOCK", "alerts.secret_block"),
    Variable("PRESSWATCH_REPORT_URL", "alerts.report_url"),
    Variable("PRESSWATCH_CONTACT", "fetch.contact"),
    Variable("PRESSWATCH_CONNECT_TIMEOUT_S", "fetch.connect_timeout_s"),
    Variable("PRESSWATCH_READ_TIMEOUT_S", "fetch.read_timeout_s"),
    Variable("PRESSWATCH_DEADLINE_S", "fetch.deadline_s"),
    Variable("PRESSWATCH_MAX_BYTES", "fetch.max_bytes"),
    Variable("PRESSWATCH_PER_HOST_CONCURRENCY", "fetch.per_host_concurrency"),
    Variable("PRESSWATCH_GLOBAL_CONCURRENCY", "fetch.global_concurrency"),
    Variable("PRESSWATCH_PER_HOST_DELAY_S", "fetch.per_host_delay_s"),
    Variable("PRESSWATCH_FEED_PER_HOST_DELAY_S", "fetch.feed_per_host_delay_s"),
    Variable("PRESSWATCH_MAX_RETRY_AFTER_WAIT_S", "fetch.max_retry_after_wait_s"),
    Variable("PRESSWATCH_MAX_CRAWL_DELAY_S", "fetch.max_crawl_delay_s"),
    Variable("PRESSWATCH_FULL_FETCH_INTERVAL_S", "fetch.full_fetch_interval_s"),
    Variable("PRESSWATCH_NEWS_WINDOW_H", "fetch.news_window_h"),
    Variable("PRESSWATCH_WORKERS", "extraction.workers"),
    Variable("PRESSWATCH_EXTRACTION_TIME_LIMIT_S", "extraction.time_limit_s"),
    Variable("PRESSWATCH_EXTRACTION_MEMORY_MB", "extraction.memory_mb"),
    Variable("PRESSWATCH_DETECT_MAX_CHARS", "detection.max_chars"),
    Variable("PRESSWATCH_DETECT_MAX_OCCURRENCES", "detection.max_occurrences"),
    Variable("PRESSWATCH_TASK_RETRIES", "runs.task_retries"),
    Variable("PRESSWATCH_TASK_RETRY_DELAY_S", "runs.task_retry_delay_s"),
    Variable("PRESSWATCH_LOCK_ATTEMPTS", "runs.lock_attempts"),
    Variable("PRESSWATCH_TEXT_RETENTION_DAYS", "runs.text_retention_days"),
    Variable("PRESSWATCH_BATCH_SIZE", "runs.batch_size"),
    Variable("PRESSWATCH_SQL_MEMORY_MB", "sql.memory_mb"),
    Variable("PRESSWATCH_SQL_SPILL_MB", "sql.spill_mb"),
    Variable("PRESSWATCH_MAX_NEW_PER_FEED", "runs.max_new_per_feed"),
    Variable("PRESSWATCH_RUN_DEADLINE_S", "runs.deadline_s"),
    Variable("PRESSWATCH_STAGING_URI", "staging.uri"),
    Variable("PRESSWATCH_STAGING_ENDPOINT", "staging.endpoint_url"),
    Variable("PRESSWATCH_STAGING_REGION", "staging.region"),
    Variable("PRESSWATCH_STAGING_KEY_ID", "staging.key_id"),
    Variable("PRESSWATCH_STAGING_SECRET_KEY", "staging.secret_key", secret=True),
)


def get_path(settings: object, path: list[str]) -> Any:
    value = settings
    for part in path:
        value = getattr(value, part)
    return value


def set_path(settings: Any, path: list[str], value: object) -> Any:
    if len(path) == 1:
        return replace(settings, **{path[0]: value})
    return replace(settings, **{path[0]: set_path(getattr(settings, path[0]), path[1:], value)})


def parse_value(variable: Variable, raw: str, default: object) -> object:
    """The variable's text as its setting's type; a malformed value names its variable."""
    try:
        if isinstance(default, Path):
            return Path(raw).expanduser()
        if isinstance(default, tuple):  # alert URLs
            return split_urls(raw)
        if isinstance(default, bool | int | float | str):
            return type(default)(raw)
    except ValueError as error:
        kind = {int: "whole number", float: "number"}.get(type(default), type(default).__name__)
        raise ValueError(f"{variable.name}={raw!r} is not a valid {kind}") from error
    raise TypeError(f"{variable.name}: no parser for {type(default).__name__}")


def split_urls(raw: str) -> tuple[str, ...]:
    """Apprise URLs separated by spaces, commas or new lines."""
    return tuple(part for part in re.split(r"[\s,]+", raw or "") if part)


def settings_from_environment(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from PRESSWATCH_* variables."""
    environ = os.environ if environ is None else environ
    settings = Settings()
    for variable in VARIABLES:
        raw = environ.get(variable.name)
        if raw is None or raw.strip() == "":
            continue
        path = variable.path.split(".")
        settings = set_path(settings, path, parse_value(variable, raw.strip(), get_path(settings, path)))
    return settings


def with_report_dir_for(settings: Settings, db: Path | None, environ: Mapping[str, str] | None = None) -> Settings:
    """A warehouse other than the configured one (`--db`) gets its report in `reports/` beside it, so a run on
    another file never overwrites the team's report; PRESSWATCH_REPORT_DIR, when set, always wins."""
    environ = os.environ if environ is None else environ
    if db is None or (environ.get("PRESSWATCH_REPORT_DIR") or "").strip():
        return settings
    if db.resolve() == settings.db.resolve():
        return settings
    return replace(settings, report_dir=db.resolve().parent / "reports")


def describe_settings(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(variable, value, where it came from) for display, with secrets masked."""
    environ = os.environ if environ is None else environ
    rows = []
    for variable in VARIABLES:
        value = get_path(settings, variable.path.split("."))
        shown = " ".join(value) if isinstance(value, tuple) else str(value)
        if variable.secret and value:
            shown = f"<{len(value)} URL(s), hidden>" if isinstance(value, tuple) else "<hidden>"
        source = "environment" if (environ.get(variable.name) or "").strip() else "default"
        rows.append((variable.name, shown, source))
    return rows
