"""Which Prefect API presswatch talks to, and Prefect's settings applied before Prefect is imported.

Prefect 3 reads its settings once, when it is first imported; editing os.environ afterwards is silently ignored
(the first build registered `serve`'s deployment on a throwaway server that way). So the CLI decides everything
here, with Prefect not yet imported, applies it, and only then imports the orchestration modules. This module
itself never imports Prefect.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping, MutableMapping
from pathlib import Path

# Prefect's own console chatter (engine tracebacks, the telemetry notice, server logs) stays out of a newcomer's
# terminal: our summary says what happened, and the Prefect API still receives every log for its UI. Analytics
# are off unless the user turns them on (DO_NOT_TRACK=0 or PREFECT_SERVER_ANALYTICS_ENABLED=true wins).
QUIET_PREFECT = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    # presswatch's own log lines ("warehouse locked", retries) reach the run's page in the Prefect UI.
    "PREFECT_LOGGING_EXTRA_LOGGERS": "presswatch",
}
HEALTH_TIMEOUT_S = 2.0


class PrefectAlreadyImported(RuntimeError):
    """Settings applied now would be ignored: a bug in the order the CLI does things, never a user error."""


def configured_api_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The Prefect API the user chose: PREFECT_API_URL, else the active profile's (PREFECT_PROFILE or the
    profiles file's `active`), read the way Prefect reads them but without importing it."""
    environ = os.environ if environ is None else environ
    if environ.get("PREFECT_API_URL"):
        return environ["PREFECT_API_URL"].rstrip("/")
    home = Path(environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    profiles_file = Path(environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        profiles = tomllib.loads(profiles_file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = environ.get("PREFECT_PROFILE") or profiles.get("active")
    url = profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL") if active else None
    return str(url).rstrip("/") if url else None


def answers(api_url: str, timeout_s: float = HEALTH_TIMEOUT_S) -> bool:
    """Whether a Prefect API answers its health check promptly (a busy or absent server is not waited for)."""
    import httpx  # here: `presswatch check` reads the configured API without paying for the HTTP client

    try:
        return httpx.get(f"{api_url}/health", timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        return False


def prefect_settings(api_url: str | None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables to set before importing Prefect: the API to use and the quiet defaults (the user's own
    values win over the defaults, never over the API chosen here)."""
    environ = os.environ if environ is None else environ
    values = {name: value for name, value in QUIET_PREFECT.items() if name not in environ}
    if api_url:
        values["PREFECT_API_URL"] = api_url
    return values


def apply_before_import(values: Mapping[str, str], environ: MutableMapping[str, str] | None = None) -> None:
    """Set Prefect's settings, refusing if Prefect is already imported with others (they would be ignored without
    a word)."""
    environ = os.environ if environ is None else environ
    changed = {name: value for name, value in values.items() if environ.get(name) != value}
    if changed and "prefect" in sys.modules:
        raise PrefectAlreadyImported(f"Prefect was imported before {', '.join(sorted(changed))} were applied")
    environ.update(changed)
