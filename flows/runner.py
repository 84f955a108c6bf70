"""Starting a monitoring flow run from the command line with Prefect kept quiet."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from flows.pipeline import RunSummary, monitor

# The demo newsroom is our own loopback server: no politeness delay is owed to it.
DEMO_OVERRIDES = {"per_host_delay_s": 0.0}


def run_monitor(*, feeds_file: Path, db: Path, mode: str, as_of: datetime | None, demo: bool) -> RunSummary:
    """Run the flow in this process; Prefect uses PREFECT_API_URL when set, else a temporary local server."""
    logging.getLogger("prefect").setLevel(logging.WARNING)
    return monitor(
        feeds_file=str(feeds_file),
        db_file=str(db),
        mode=mode,
        as_of=as_of,
        settings_overrides=DEMO_OVERRIDES if demo else None,
    )
