"""The DuckDB clients analysts open the snapshot with, installed for real from the package index by the project's uv
into `.cache/duckdb-clients/` (gitignored): installed once, then reused without the network. A client that cannot
be installed fails the test that needs it, with uv's own words: CI has the package index, so a skip would hide a
broken promise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
CLIENTS_DIR = PROJECT_DIR / ".cache" / "duckdb-clients"
UV = PROJECT_DIR / ".uv" / "bin" / "uv"
# The newest of each line on the package index when this was written (pip index versions duckdb / duckdb-cli).
LTS_PACKAGE = "duckdb==1.4.5"  # DuckDB 1.4 LTS, the Python package
CLI_PACKAGE = "duckdb-cli==1.5.6"  # the newest 1.x command-line shell


class ClientUnavailable(RuntimeError):
    """A client package could not be installed; the message holds what uv said."""


def installed(requirement: str) -> Path:
    """A virtual environment holding `requirement` (made on first use), for its python or its `duckdb` program."""
    venv = CLIENTS_DIR / requirement.replace("==", "-")
    marker = venv / "installed.txt"
    if marker.exists() and marker.read_text(encoding="utf-8") == requirement:
        return venv
    if not UV.exists():
        raise ClientUnavailable(f"{UV} is missing: run `make setup` first")
    shutil.rmtree(venv, ignore_errors=True)
    environment = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    for command in (
        [str(UV), "venv", "--quiet", "--python", sys.executable, str(venv)],
        [str(UV), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), requirement],
    ):
        done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600, check=False)
        if done.returncode != 0:
            raise ClientUnavailable(f"{' '.join(command)} failed: {done.stderr.strip() or done.stdout.strip()}")
    marker.write_text(requirement, encoding="utf-8")
    return venv
