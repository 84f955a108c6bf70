"""The one place that reads the environment: every setting has a PRESSWATCH_ variable and a default."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
DEMO_DIR = SEEDS_DIR / "demo"
SECRET_SETTINGS = frozenset({"alert_urls"})


@dataclass(frozen=True)
class Settings:
    """Effective configuration of a run; `presswatch config` prints it with secrets masked."""

    db: Path = PROJECT_DIR / "data" / "presswatch.duckdb"
    feeds: Path = SEEDS_DIR / "feeds.csv"
    seeds_dir: Path = SEEDS_DIR
    alert_urls: str = ""
    contact: str = "presswatch operator (set PRESSWATCH_CONTACT)"
    workers: int = 2
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    deadline_s: float = 30.0
    max_bytes: int = 5_000_000
    per_host_concurrency: int = 2
    per_host_delay_s: float = 1.0
    feed_per_host_delay_s: float = 0.25
    global_concurrency: int = 8
    max_retry_after_wait_s: float = 30.0
    max_crawl_delay_s: float = 10.0
    full_fetch_interval_s: float = 86400.0
    news_window_h: float = 48.0  # news sitemap entries older than this are not news; 0 takes every entry
    extraction_time_limit_s: float = 20.0
    extraction_memory_mb: int = 1024
    report_dir: Path = PROJECT_DIR / "reports"
    report_url: str = ""  # where the team opens the published report; alerts link to it when set
    task_retries: int = 2
    text_retention_days: int = 0  # 0 keeps article text forever; N drops it (not counts or snippets) after N days
    lock_attempts: int = 5
    task_retry_delay_s: float = 10.0
    prefect_port: int = 4200  # the local Prefect server `presswatch serve` starts (another port if this is taken)

    @property
    def user_agent(self) -> str:
        return f"presswatch/0.1 (media monitoring; contact: {self.contact})"


def settings_from_environment(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from PRESSWATCH_* variables; a malformed value names its variable."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    defaults = Settings()
    for field in fields(Settings):
        variable = f"PRESSWATCH_{field.name.upper()}"
        raw = environ.get(variable)
        if raw is None or raw == "":
            continue
        default = getattr(defaults, field.name)
        try:
            values[field.name] = type(default)(raw) if not isinstance(default, Path) else Path(raw)
        except ValueError as error:
            raise ValueError(f"{variable}={raw!r} is not a valid {type(default).__name__}") from error
    return Settings(**values)  # type: ignore[arg-type]


def describe_settings(settings: Settings) -> list[tuple[str, str]]:
    """Name/value pairs for display, with secrets masked."""
    rows = []
    for field in fields(Settings):
        value = getattr(settings, field.name)
        shown = str(value)
        if field.name in SECRET_SETTINGS and value:
            shown = f"<{len(str(value).split())} URL(s), hidden>"
        rows.append((f"PRESSWATCH_{field.name.upper()}", shown))
    return rows
