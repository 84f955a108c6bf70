"""Starting a monitoring flow run from the command line with Prefect kept quiet."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import prefect.settings
from prefect.settings import temporary_settings

from flows.pipeline import RunSummary, monitor

# The demo newsroom is our own loopback server: no politeness delay is owed to it.
DEMO_OVERRIDES = {"per_host_delay_s": 0.0}


@contextmanager
def in_process_run_settings() -> Iterator[None]:
    """Without PREFECT_API_URL a run talks to a temporary server that dies with it, so nobody can watch its
    heartbeats; switching them off saves the second Prefect 3.9 spends joining the heartbeat thread."""
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    with temporary_settings(updates={prefect.settings.PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def run_monitor(*, feeds_file: Path, db: Path, mode: str, as_of: datetime | None, demo: bool) -> RunSummary:
    """Run the flow in this process; Prefect uses PREFECT_API_URL when set, else a temporary local server."""
    with in_process_run_settings():
        return monitor(
            feeds_file=str(feeds_file),
            db_file=str(db),
            mode=mode,
            as_of=as_of,
            settings_overrides=DEMO_OVERRIDES if demo else None,
        )
