"""How a one-off `presswatch run` runs: as a Prefect flow run when a Prefect server answers, otherwise plain.

A server that answers is the one `presswatch serve` keeps for this data folder, or the one the user configured
(PREFECT_API_URL or their Prefect profile); the run is then recorded there and shows in its UI. With none, the
same pipeline runs as plain calls with the same retry rule (flows/pipeline.py), recorded in the warehouse's runs
table as every run is: starting a throwaway Prefect server instead cost 13-14 s per run on an idle 2-core machine,
30-40 s under load, and failed outright on a busy one (docs/operations.md, "One-off runs").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from flows import pipeline
from flows.adapters.demo import DemoNewsroom
from flows.config import Settings
from flows.failures import describe
from flows.orchestration.environment import answers, apply_before_import, configured_api_url, prefect_settings
from flows.orchestration.server import running_local_server

LOGGER = logging.getLogger("presswatch.pipeline")


def find_orchestrator(data_dir: Path, notice: Callable[[str], None]) -> str | None:
    """The API of a Prefect server that answers now: the user's, else serve's for this data folder, else none."""
    configured = configured_api_url()
    if configured:
        if answers(configured):
            return configured
        notice(f"the Prefect API at {configured} does not answer; this run is recorded in the warehouse only")
        return None
    server = running_local_server(data_dir)
    return server.api_url if server else None


def run_once(
    settings: Settings,
    *,
    feeds_path: Path,
    db: Path,
    mode: str,
    as_of: datetime | None,
    demo: DemoNewsroom | None,
    notice: Callable[[str], None],
) -> pipeline.RunSummary:
    """One monitoring run now; an orchestration server that is slow, busy or failing never fails it."""
    connect_to = demo.connect_to if demo else ()
    api_url = find_orchestrator(db.parent, notice)
    if api_url:
        try:
            return run_with_prefect(api_url, feeds_path=feeds_path, db=db, mode=mode, as_of=as_of, demo=demo)
        except Exception as error:
            if pipeline.RECORDED_NOTE in getattr(error, "__notes__", ()):
                raise  # the run itself failed, and its record and notice are already done
            reason = describe(error)
            notice(f"Prefect at {api_url} failed before the run started ({reason}); running without it")
    run_settings = pipeline.settings_for_run(settings, demo=demo is not None, connect_to=connect_to)
    context = pipeline.new_context(mode, as_of)
    return pipeline.monitor_run(run_settings, feeds_path, db, context, pipeline.plain_runner(run_settings))


def run_with_prefect(
    api_url: str, *, feeds_path: Path, db: Path, mode: str, as_of: datetime | None, demo: DemoNewsroom | None
) -> pipeline.RunSummary:
    """The flow in this process, reporting to `api_url`; Prefect's settings are applied before its first import."""
    apply_before_import(prefect_settings(api_url))
    from flows.orchestration.flow import monitor

    LOGGER.info("recording this run on the Prefect server at %s", api_url)
    connect_to = [list(pair) for pair in demo.connect_to] if demo else None
    return monitor(
        feeds_file=str(feeds_path),
        db_file=str(db),
        mode=mode,
        as_of=as_of,
        demo=demo is not None,
        connect_to=connect_to,
    )
