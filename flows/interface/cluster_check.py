"""`presswatch check`'s production settings of a cluster: the Prefect API, its database, staging and credentials.

Checked only when something of a cluster is configured (PREFECT_API_URL or a profile, PRESSWATCH_STAGING_URI), so
the one-machine check stays offline and instant. Staging is proven by writing a tiny table where shards will.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from flows.config import Settings
from flows.orchestration.environment import answers, configured_api_url

DATABASE_VARIABLES = ("PREFECT_API_DATABASE_CONNECTION_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL")
PROBE_TABLE = "_presswatch_check"


def cluster_configured(settings: Settings) -> bool:
    return bool(configured_api_url() or settings.staging.uri)


def check_cluster(
    settings: Settings, out: Callable[[str], None] = print, environ: Mapping[str, str] | None = None
) -> int:
    """One line per production setting; 1 when any is wrong (what to change is on its line)."""
    environ = os.environ if environ is None else environ
    problems = 0
    api_url = configured_api_url(environ)
    if not api_url:
        out("Prefect API: none configured (PREFECT_API_URL); serve and the cluster demo start their own")
    elif not answers(api_url, timeout_s=5.0):
        out(f"Prefect API {api_url}: does not answer (start the server, or fix PREFECT_API_URL)")
        problems += 1
    else:
        out(f"Prefect API {api_url}: answers; {database_of(api_url, environ)}")
    line, ok = staging_line(settings, environ)
    out(line)
    problems += not ok
    if urlsplit(settings.staging.uri).scheme == "s3":
        found = credentials_of(settings, environ)
        hint = "none found (set PRESSWATCH_STAGING_KEY_ID and PRESSWATCH_STAGING_SECRET_KEY, or AWS_PROFILE)"
        out(f"Staging credentials: {found or hint}")
        problems += not found
    out(f"{problems} problem(s) in the cluster settings." if problems else "OK: cluster settings.")
    return 1 if problems else 0


def database_of(api_url: str, environ: Mapping[str, str]) -> str:
    """Which database the Prefect server keeps its state in, as far as this machine can tell (the server hides
    its connection URL)."""
    if urlsplit(api_url).hostname == "api.prefect.cloud":
        return "Prefect Cloud (its own database)"
    for name in DATABASE_VARIABLES:
        url = environ.get(name, "")
        if url:
            kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite: use PostgreSQL for a cluster"
            return f"database {kind} ({name})"
    return "database not known here (SQLite unless the server's PREFECT_API_DATABASE_CONNECTION_URL is PostgreSQL)"


def staging_line(settings: Settings, environ: Mapping[str, str]) -> tuple[str, bool]:
    uri = settings.staging.uri
    if not uri:
        where = settings.data_dir / "staging"
        return f"Staging: {where} beside the warehouse (one machine; a cluster needs PRESSWATCH_STAGING_URI)", True
    try:
        write_probe(settings)
    except Exception as error:  # any store's refusal is one line here: the user fixes the URI or the credentials
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return f"Staging {uri}: cannot write there: {reason[:200]}", False
    note = "" if urlsplit(uri).scheme else " (a folder: every machine must see the same one)"
    return f"Staging {uri}: reachable and writable{note}", True


def write_probe(settings: Settings) -> None:
    import pyarrow as pa
    from deltalake import write_deltalake

    from flows.shards import Staging

    staging = Staging.from_settings(settings)
    target = f"{staging.uri.rstrip('/')}/{PROBE_TABLE}"
    if not urlsplit(target).scheme:
        Path(target).mkdir(parents=True, exist_ok=True)
    table = pa.table({"checked": [1]})
    write_deltalake(target, table, mode="overwrite", storage_options=dict(staging.storage_options) or None)


def credentials_of(settings: Settings, environ: Mapping[str, str]) -> str | None:
    if settings.staging.key_id and settings.staging.secret_key:
        return "PRESSWATCH_STAGING_KEY_ID and PRESSWATCH_STAGING_SECRET_KEY"
    if environ.get("AWS_ACCESS_KEY_ID") and environ.get("AWS_SECRET_ACCESS_KEY"):
        return "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    if environ.get("AWS_PROFILE"):
        return f"AWS_PROFILE={environ['AWS_PROFILE']}"
    if (Path(environ.get("HOME", "~")).expanduser() / ".aws" / "credentials").is_file():
        return "~/.aws/credentials"
    return None
