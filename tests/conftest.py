"""Suite-wide setup: loopback-only networking, shared helpers on the path, an isolated Prefect home."""

from __future__ import annotations

import os
import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS_DIR / "support"))

# Each test session gets its own Prefect home so tests never touch a developer's ~/.prefect.
PREFECT_HOME = TESTS_DIR.parent / "data" / "test-prefect-home"
PREFECT_HOME.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("PREFECT_HOME", str(PREFECT_HOME))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def prefect_harness():  # type: ignore[no-untyped-def]
    """A throwaway Prefect API for the session: flows run for real, against a temporary database."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=300):
        yield
