"""The `presswatch` command: the composition root that picks feeds, database and channels for a run.

One module (about 450 lines) because it is one thing: the argument grammar and, per command, the few lines that
turn arguments into `Settings` and call the room that does the work. Commands import their room lazily, so
`presswatch sql` or `--help` never pay for Prefect, trafilatura or the extraction workers.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from flows.config import DEMO_DIR, Settings, describe_settings, settings_from_environment, with_report_dir_for

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_SKIPPED = 75  # EX_TEMPFAIL: another run held the warehouse; try again later
EXIT_INTERRUPTED = 130
DEMO_PORT = 8765  # flows.adapters.demo.DEMO_PORT, repeated so `--help` imports no adapter


def parse_when(text: str) -> datetime:
    """An ISO date or time, or a relative form ("yesterday", "7d") counted from the clock now; naive values are UTC."""
    from transforms.moments import parse_moment

    try:
        return parse_moment(text, datetime.now(UTC))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class CommandParser(argparse.ArgumentParser):
    """A parser that leaves itself in the parsed arguments, so a usage error is shown with the subcommand's usage.

    argparse hands arguments a subcommand does not know back to the top-level parser, which prints `presswatch`'s
    usage for a mistake made in `presswatch run`; the innermost parser's default wins, so `usage_of` names the
    subcommand (or action) actually typed.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.set_defaults(usage_of=self)


def installed_version() -> str:
    """The version pyproject.toml gives, as installed (metadata, so no package is imported to learn it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("presswatch")
    except PackageNotFoundError:
        return "unknown (not installed)"


class PrintVersion(argparse.Action):
    """`--version`, with the version read from the package metadata only when asked (40 ms every command paid)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(f"presswatch {installed_version()}")
        parser.exit()


# `presswatch sql` and `presswatch report` read the same file when none is named (warehouse.database.analysts_file).
ANALYSTS_DB_HELP = (
    "file to read (default: the snapshot data/presswatch.snapshot.duckdb, whole runs only; the live "
    "data/presswatch.duckdb until a run has published one)"
)


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="presswatch",
        description="Media monitoring: fetch feeds and articles, count mentions of tracked people and topics, "
        "load them into DuckDB and alert the team when coverage spikes.",
    )
    parser.add_argument("--version", action=PrintVersion, nargs=0, help="print the installed version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="one monitoring run now",
        description="Fetch every feed, extract new articles, detect mentions, load the warehouse and post alerts. "
        "Exits 0 when the run completed, even if some feeds or pages failed (they are recorded in feed_fetches "
        "and articles); non-zero only when the run itself could not proceed.",
    )
    run.add_argument("--feeds", type=Path, help="feeds CSV (default seeds/feeds.csv, env PRESSWATCH_FEEDS)")
    run.add_argument("--db", type=Path, help="warehouse file (default data/presswatch.duckdb, env PRESSWATCH_DB)")
    run.add_argument(
        "--demo",
        action="store_true",
        help="serve the bundled demo newsroom on 127.0.0.1 and monitor it (offline, same HTTP code path)",
    )
    run.add_argument("--as-of", type=parse_when, help="evaluate alerts as of this time (default: now)")
    run.add_argument(
        "--since",
        type=parse_when,
        help="backfill: re-derive mentions, topics, quotes and alert state for stored articles published since DATE "
        "(after a watchlist change), without refetching; alerts for history are recorded, never sent",
    )

    serve = commands.add_parser(
        "serve",
        help="serve the monitoring flow on a cron schedule",
        description="Serve the monitoring flow as a Prefect deployment on a cron schedule. Uses the Prefect API "
        "in PREFECT_API_URL or your Prefect profile when set (your server or Prefect Cloud); otherwise starts a "
        "persistent local Prefect server on 127.0.0.1:4200 (PRESSWATCH_PREFECT_PORT) with its state beside the "
        "warehouse, for as long as it serves. A run still going when the next one is due makes the new one "
        "cancelled, never concurrent. Ctrl-C or SIGTERM cancel a run in progress and stop the server.",
    )
    serve.add_argument("--cron", default="0 * * * *", help="cron schedule (default: hourly, on the hour)")
    serve.add_argument("--timezone", default="Europe/London", help="IANA timezone of the schedule")
    serve.add_argument("--feeds", type=Path, help="feeds CSV (default seeds/feeds.csv)")
    serve.add_argument("--db", type=Path, help="warehouse file (default data/presswatch.duckdb)")
    serve.add_argument(
        "--pool",
        help="serve the sharded schedule on this Prefect work pool instead (docs/cluster.md): this machine holds the "
        "warehouse and plans and finalises; shards run on every machine's `presswatch worker --pool NAME`",
    )
    serve.add_argument("--shards", type=int, default=4, help="with --pool: shards per run (default 4)")

    sql = commands.add_parser(
        "sql",
        help="query the warehouse read-only",
        description="Run one SQL query against the warehouse, opened read-only and released when the query "
        "ends; without a query, start an interactive prompt.",
    )
    sql.add_argument("query", nargs="?", help="SQL to run; omit for an interactive prompt")
    sql.add_argument("--db", type=Path, help=ANALYSTS_DB_HELP)
    sql.add_argument("--csv", action="store_true", help="print every row as CSV (for pipes and spreadsheets)")

    report = commands.add_parser(
        "report",
        help="write the self-contained HTML report",
        description="Turn the warehouse into one HTML file (charts, share of voice, co-mentions, evidence, feed "
        "health) that opens offline and can be attached to an email. Default period: the 7 days up to the "
        "latest run's clock.",
    )
    report.add_argument("--db", type=Path, help=ANALYSTS_DB_HELP)
    report.add_argument(
        "--since", type=parse_when, help="start of the period: ISO date or time (UTC), yesterday, 7d, 24h..."
    )
    report.add_argument("--until", type=parse_when, help="end of the period: ISO date or time (UTC), today, now, 1d...")
    report.add_argument("--people", help="person ids to chart, comma- or space-separated (default: all)")
    report.add_argument("--out", type=Path, help="HTML file to write (default reports/presswatch-report.html)")
    report.add_argument("--png-dir", type=Path, help="also write one trend chart PNG per person here")

    alerts = commands.add_parser(
        "alerts",
        help="test the alert channels or preview what would fire",
        description="Alert channels are apprise URLs in PRESSWATCH_ALERT_URLS (or a Prefect Secret block named in "
        "PRESSWATCH_ALERT_SECRET_BLOCK); rules are in seeds/alert_rules.csv.",
    )
    alert_commands = alerts.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    alert_commands.add_parser("test", help="send a test message to each configured channel")
    preview = alert_commands.add_parser("preview", help="show what would fire now, without sending or recording")
    preview.add_argument("--db", type=Path, help="warehouse file (default data/presswatch.duckdb)")
    preview.add_argument("--as-of", type=parse_when, help="evaluate as of this time (default: the latest run's clock)")

    commands.add_parser("config", help="print the effective settings (secrets masked)")
    add_watchlist_commands(commands)
    add_cluster_commands(commands)
    add_demo_commands(commands)

    check = commands.add_parser(
        "check",
        help="validate the seeds and the feeds file, every problem at once",
        description="Check every watchlist file, the alert rules and the feeds file with the rules a run applies, "
        "and print every problem at once (file, row, column, what is wrong and what would be right). Exit 1 if "
        "there is any. With --online, also fetch each feed once and say whether it is a feed, a news sitemap, a "
        "web page (and the feeds it advertises) or unreachable.",
    )
    check.add_argument("--feeds", type=Path, help="feeds CSV (default seeds/feeds.csv, env PRESSWATCH_FEEDS)")
    check.add_argument("--seeds", type=Path, help="watchlist folder (default seeds, env PRESSWATCH_SEEDS_DIR)")
    check.add_argument("--online", action="store_true", help="also fetch each feed once and say what it is")

    feeds = commands.add_parser(
        "feeds",
        help="add feeds from an outlet's address, import or export OPML",
        description="Grow the feeds file: discover the feeds and news sitemaps of an outlet's home or section page, "
        "import another reader's OPML subscription list, or export the feeds as OPML. Every change is checked "
        "like the seeds are before the file is written.",
    )
    feed_actions = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    add = feed_actions.add_parser(
        "add",
        help="discover an outlet's feeds from its address and add one",
        description="Fetch the page, list the feeds it advertises (<link rel=alternate>), the sitemaps its "
        "robots.txt names and, if it advertises none, feeds at the usual addresses; show each with its item "
        "count and newest item, and append the chosen one with an id made from its name.",
    )
    add.add_argument("url", help="the outlet's home or section page, or a feed or sitemap address")
    add.add_argument("--name", help="the name to list it under (default: the feed's title or the site's name)")
    add.add_argument("--pick", type=int, help="add the N-th source found without asking (default: ask, or the first)")
    add.add_argument("--feeds", type=Path, help="feeds CSV to add to (default seeds/feeds.csv)")
    opml_in = feed_actions.add_parser("import", help="add every feed of an OPML subscription list")
    opml_in.add_argument("opml", type=Path, help="the OPML file another feed reader exported")
    opml_in.add_argument("--feeds", type=Path, help="feeds CSV to add to (default seeds/feeds.csv)")
    opml_out = feed_actions.add_parser("export", help="write the feeds as an OPML subscription list")
    opml_out.add_argument("--out", type=Path, help="file to write (default: standard output)")
    opml_out.add_argument("--feeds", type=Path, help="feeds CSV to export (default seeds/feeds.csv)")
    return parser


def add_watchlist_commands(commands: argparse._SubParsersAction[CommandParser]) -> None:
    """`presswatch watchlist import-roles FILE` and `presswatch watchlist query` (interface/watchlist_import.py)."""
    watchlist = commands.add_parser(
        "watchlist",
        help="fill office history (role_holders.csv) from Wikidata",
        description="Office history without typing: print the Wikidata query for the offices in roles.csv, "
        "run it at query.wikidata.org, download the result as JSON and import it. Seeds folder: "
        "PRESSWATCH_SEEDS_DIR (default seeds/).",
    )
    actions = watchlist.add_subparsers(dest="watchlist_command", metavar="ACTION", required=True)
    actions.add_parser("query", help="print the Wikidata query for the offices in roles.csv")
    importing = actions.add_parser(
        "import-roles",
        help="merge a Wikidata query result into role_holders.csv",
        description="Merge the JSON result of the Wikidata position-held query into role_holders.csv: holders "
        "the watchlist tracks get their dates; an imported period replaces the typed rows it overlaps.",
    )
    importing.add_argument("file", type=Path, help="the query result (JSON), e.g. seeds/wikidata/*.json")
    importing.add_argument("--add-people", action="store_true", help="add untracked holders to people.csv")
    importing.add_argument("--dry-run", action="store_true", help="say what would change without writing")


def add_cluster_commands(commands: argparse._SubParsersAction[CommandParser]) -> None:
    """`presswatch worker` and `presswatch cluster demo`: the sharded runs on a Prefect work pool (docs/cluster.md)."""
    worker = commands.add_parser(
        "worker",
        help="run a Prefect process worker of presswatch's sharded runs",
        description="Serve a Prefect work pool (created with its queues when missing) on this machine: it takes "
        "shard runs from the pool's `shards` queue; with --db, this machine holds the warehouse and also takes "
        "the hourly parent run (plan and finalise) from the `warehouse` queue. Talks to the Prefect API in "
        "PREFECT_API_URL or your Prefect profile. Ctrl-C stops it.",
    )
    worker.add_argument("--pool", required=True, help="the Prefect work pool to serve")
    worker.add_argument("--db", type=Path, help="the warehouse file this machine holds (serves the warehouse queue)")
    worker.add_argument("--name", help="the worker's name in Prefect and in shard_runs (default: host-pid)")
    worker.add_argument(
        "--queue",
        action="append",
        choices=("shards", "warehouse"),
        help="serve only this queue (repeatable; default: shards, and warehouse with --db)",
    )

    cluster = commands.add_parser(
        "cluster",
        help="try the sharded runs on this machine",
        description="A whole cluster on one machine, for trying the sharded path: see docs/cluster.md.",
    )
    actions = cluster.add_subparsers(dest="cluster_command", metavar="ACTION", required=True)
    demo = actions.add_parser(
        "demo",
        help="run the demo newsroom through a cluster on this machine, then stop it",
        description="Start a Prefect server, N process workers and an S3-compatible endpoint on 127.0.0.1, run the "
        "demo newsroom through the sharded path (plan, one shard per worker, finalise), print what each shard did, "
        "and stop everything it started. Its warehouse ends as `presswatch run --demo`'s would.",
    )
    demo.add_argument("--workers", type=int, default=2, help="process workers to start (default 2)")
    demo.add_argument("--shards", type=int, help="shards in the run (default: one per worker)")
    demo.add_argument("--db", type=Path, help="warehouse file (default data/presswatch.duckdb)")


def add_demo_commands(commands: argparse._SubParsersAction[CommandParser]) -> None:
    """`presswatch demo serve [--port N]`: the demo newsroom alone, for a browser or `feeds add`."""
    demo = commands.add_parser(
        "demo",
        help="serve the bundled demo newsroom on its own",
        description="The demo newsroom `run --demo` monitors, served alone on 127.0.0.1 until Ctrl-C: browse its "
        "outlets, or try `presswatch feeds add` on them. Its links follow the port it is served on.",
    )
    actions = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    serving = actions.add_parser("serve", help="serve the demo newsroom on 127.0.0.1 until Ctrl-C")
    serving.add_argument("--port", type=int, default=DEMO_PORT, help=f"port to serve on (default {DEMO_PORT}; 0: any)")


def command_demo(arguments: argparse.Namespace, settings: Settings) -> int:
    from flows.adapters.demo import standalone_newsroom

    try:
        server = standalone_newsroom(DEMO_DIR, arguments.port)
    except OSError:
        print(
            f"presswatch demo serve: port {arguments.port} on 127.0.0.1 is taken; choose another with --port",
            file=sys.stderr,
        )
        return EXIT_FAILED
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"Demo newsroom serving on {base}/ (Ctrl-C to stop)", flush=True)
    for outlet in ("northgate-herald", "civic-courier", "meridian-wire", "fenmouth-echo"):
        print(f"  {base}/{outlet}/")
    print(f"Try, in another terminal: presswatch feeds add {base}/northgate-herald/ --feeds demo-feeds.csv", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("Demo newsroom stopped.", flush=True)
    return EXIT_OK


def command_watchlist(arguments: argparse.Namespace, settings: Settings) -> int:
    from flows.interface.watchlist_import import import_roles, roles_query

    if arguments.watchlist_command == "query":
        print(roles_query(settings.seeds_dir), end="")
        return EXIT_OK
    print(import_roles(arguments.file, settings.seeds_dir, add_people=arguments.add_people, dry_run=arguments.dry_run))
    return EXIT_OK


def with_alert_secret(settings: Settings) -> Settings:
    """The alert URLs from the Prefect Secret block PRESSWATCH_ALERT_SECRET_BLOCK names, when it names one; reading
    a block needs a Prefect API (yours, or serve's), which is then the one this command talks to."""
    if not settings.alerts.secret_block:
        return settings
    from flows.orchestration.environment import apply_before_import, configured_api_url, prefect_settings
    from flows.orchestration.server import running_local_server

    server = running_local_server(settings.data_dir)
    apply_before_import(prefect_settings(configured_api_url() or (server.api_url if server else None)))
    from flows.orchestration.secrets import with_secret_alert_urls

    return with_secret_alert_urls(settings)


def command_run(arguments: argparse.Namespace, settings: Settings) -> int:
    from flows import pipeline
    from flows.adapters.demo import serve_newsroom
    from flows.interface.console import print_summary, progress_display
    from flows.runner import run_once

    db = arguments.db or settings.db
    if arguments.since is not None:
        return command_backfill(settings, db, arguments.since)
    settings = with_alert_secret(settings)
    context = pipeline.new_context("demo" if arguments.demo else "live", arguments.as_of)
    try:
        with progress_display() as progress:
            if arguments.demo:
                with serve_newsroom(DEMO_DIR, db.parent) as newsroom:
                    progress.note(f"demo newsroom serving on {newsroom.base_url}")
                    summary = run_once(
                        settings,
                        feeds_path=newsroom.feeds_file,
                        db=db,
                        mode="demo",
                        as_of=arguments.as_of or newsroom.as_of,
                        demo=newsroom,
                        notice=progress.note,
                    )
            else:
                summary = run_once(
                    settings,
                    feeds_path=arguments.feeds or settings.feeds,
                    db=db,
                    mode="live",
                    as_of=arguments.as_of,
                    demo=None,
                    notice=progress.note,
                )
    except Exception as error:
        # Whatever stopped the run before its own record was written (the demo server, the orchestrator) is
        # recorded and announced like any failed run: an hourly job must never fail silently.
        pipeline.record_failure(settings, db, context, error)
        raise
    if summary.skipped:
        print(f"presswatch run: skipped: {summary.skipped}", file=sys.stderr)
        return EXIT_SKIPPED
    print_summary(summary, db)
    return EXIT_OK


def command_backfill(settings: Settings, db: Path, since: datetime) -> int:
    from flows.backfill import backfill
    from flows.interface.console import progress_display

    with progress_display():
        result = backfill(settings, since=since, db=db)
    print(
        f"Backfill {result.run_id}: {result.articles} stored articles since {since:%Y-%m-%d}, "
        f"{result.mentions} mentions, {result.topic_mentions} topic mentions and {result.quotes} quotes re-derived, "
        f"{result.alerts_suppressed} historical alert(s) recorded as suppressed (not sent)."
    )
    if result.publish_notice:
        print(f"Snapshot: {result.publish_notice}")
    return EXIT_OK


def command_serve(arguments: argparse.Namespace, settings: Settings) -> int:
    from contextlib import nullcontext

    from flows.orchestration.environment import answers, configured_api_url
    from flows.orchestration.server import local_server
    from flows.orchestration.supervisor import run_runner
    from transforms.deployment_names import deployment_name
    from transforms.schedule import ScheduleError, scheduled_deadline_s, shortest_gap_s

    db = (arguments.db or settings.db).resolve()
    feeds = (arguments.feeds or settings.feeds).resolve()
    try:
        gap_s = shortest_gap_s(arguments.cron, arguments.timezone, datetime.now(UTC))
    except ScheduleError as error:
        print(f"presswatch serve: {error}", file=sys.stderr)
        return EXIT_FAILED
    deadline_s = scheduled_deadline_s(settings.runs.deadline_s, gap_s)
    if arguments.pool:
        from flows.interface.cluster_commands import report, serve_pool

        if arguments.shards < 1:
            arguments.usage_of.error("--shards must be 1 or more")
        return report("serve", lambda: serve_pool(
            settings, pool=arguments.pool, shards=arguments.shards, cron=arguments.cron,
            timezone=arguments.timezone, feeds=feeds, db=db, deadline_s=deadline_s,
        ))  # fmt: skip
    configured = configured_api_url()
    if configured and not answers(configured, timeout_s=10.0):
        print(
            f"presswatch serve: the Prefect API at {configured} (PREFECT_API_URL or your Prefect profile) does not "
            "answer; start it, or unset it to let presswatch run its own local server",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if not configured:
        print(f"presswatch serve: starting the local Prefect server (state in {db.parent / 'prefect'}) ...", flush=True)
    server = nullcontext(None) if configured else local_server(db.parent, port=settings.prefect_port)
    with server as local:
        api_url = configured or local.api_url  # type: ignore[union-attr]
        name = deployment_name(arguments.cron)
        print(f"presswatch serve: deployment presswatch-monitor/{name} on '{arguments.cron}' ({arguments.timezone})")
        print(f"Prefect UI: {api_url.removesuffix('/api')}   Ctrl-C stops serving (a run in progress is cancelled).")
        print(
            f"Each run stops starting page fetches {deadline_s:g} s after it starts (at most 3/4 of the "
            "schedule's shortest gap); what is left waits for the next run."
        )
        code = run_runner(
            api_url, cron=arguments.cron, timezone=arguments.timezone, feeds=feeds, db=db,
            settings={"PRESSWATCH_RUN_DEADLINE_S": f"{deadline_s:g}"},
        )  # fmt: skip
    print("presswatch serve: stopped.")
    return EXIT_OK if code == 0 else EXIT_FAILED


def command_worker(arguments: argparse.Namespace, settings: Settings) -> int:
    from flows.orchestration.environment import answers, apply_before_import, configured_api_url, prefect_settings

    if arguments.queue and "warehouse" in arguments.queue and arguments.db is None:
        arguments.usage_of.error("--queue warehouse needs --db: the warehouse queue plans and finalises that file")
    api_url = configured_api_url()
    if not api_url:
        print("presswatch worker: no Prefect API: set PREFECT_API_URL to the server the pool lives on", file=sys.stderr)
        return EXIT_FAILED
    if not answers(api_url, timeout_s=10.0):
        print(f"presswatch worker: the Prefect API at {api_url} does not answer", file=sys.stderr)
        return EXIT_FAILED
    apply_before_import(prefect_settings(api_url))
    from flows.orchestration.pool import PoolError
    from flows.orchestration.worker import default_name, run_worker

    name = arguments.name or default_name()
    db = arguments.db.resolve() if arguments.db else None
    try:
        run_worker(arguments.pool, name=name, db=db, queues=arguments.queue)
    except PoolError as error:
        print(f"presswatch worker: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"presswatch worker {name}: stopped.", file=sys.stderr)
        return EXIT_OK
    return EXIT_OK


def command_cluster(arguments: argparse.Namespace, settings: Settings) -> int:
    from flows.interface.cluster_commands import cluster_demo, report

    if arguments.workers < 1 or (arguments.shards is not None and arguments.shards < 1):
        arguments.usage_of.error("--workers and --shards must be 1 or more")
    db = (arguments.db or settings.db).resolve()
    shards = arguments.shards or arguments.workers
    return report("cluster demo", lambda: cluster_demo(settings, workers_count=arguments.workers, shards=shards, db=db))


def command_sql(arguments: argparse.Namespace, settings: Settings) -> int:
    from flows.interface.sql_query import (
        run_sql,  # not flows.interface.console: the SQL prompt must start without Prefect
        session_limits,
    )
    from warehouse.database import analysts_file

    db = arguments.db or analysts_file(settings.db)
    return run_sql(db, arguments.query, limits=session_limits(settings.sql), as_csv=arguments.csv)


def command_report(arguments: argparse.Namespace, settings: Settings) -> int:
    from flows.report import ReportOptions, write_report

    people = tuple(part for part in (arguments.people or "").replace(",", " ").split() if part)
    options = ReportOptions(
        since=arguments.since,
        until=arguments.until,
        people=people,
        out=arguments.out or settings.report_dir / "presswatch-report.html",
        png_dir=arguments.png_dir,
    )
    from warehouse.database import analysts_file

    path = write_report(arguments.db or analysts_file(settings.db), options)
    print(f"Report: {path}")
    return EXIT_OK


def command_alerts(arguments: argparse.Namespace, settings: Settings) -> int:
    if arguments.alerts_command == "test":
        from flows.adapters.delivery import send_test_message

        settings = with_alert_secret(settings)
        if not settings.alerts.urls:
            print("presswatch alerts test: no channel configured (set PRESSWATCH_ALERT_URLS)", file=sys.stderr)
            return EXIT_FAILED
        results = send_test_message(list(settings.alerts.urls))
        for channel, ok, detail in results:
            print(f"{channel}: sent" if ok else f"{channel}: FAILED {detail}")
        return EXIT_OK if all(ok for _, ok, _ in results) else EXIT_FAILED
    from flows.alerting import preview_alerts
    from flows.seeds import load_watchlist
    from transforms.run_rows import display_names
    from warehouse.runs import latest_run_clock

    db = arguments.db or settings.db
    as_of = arguments.as_of or latest_run_clock(db) or datetime.now(UTC)
    names = display_names(load_watchlist(settings.seeds_dir))
    text = preview_alerts(db, as_of=as_of, rules_file=settings.rules_file, names=names)
    print(text or f"Nothing would fire as of {as_of:%Y-%m-%d %H:%M} UTC.")
    return EXIT_OK


def command_config(arguments: argparse.Namespace, settings: Settings) -> int:
    rows = describe_settings(settings)
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        print(f"{name.ljust(width)}  {value}  ({source})")
    return EXIT_OK


def command_check(arguments: argparse.Namespace, settings: Settings) -> int:
    from flows.interface.check import check_online, check_seeds, print_check

    feeds = arguments.feeds or settings.feeds
    code = print_check(check_seeds(arguments.seeds or settings.seeds_dir, feeds))
    if arguments.online and code == 0:
        code = check_online(feeds, settings)
    from flows.interface.cluster_check import check_cluster, cluster_configured

    if cluster_configured(settings):  # a cluster's production settings, only when one is configured
        code = max(code, check_cluster(settings))
    return code


def command_feeds(arguments: argparse.Namespace, settings: Settings) -> int:
    from flows.interface import feed_commands

    feeds = arguments.feeds or settings.feeds
    if arguments.feeds_command == "add":
        ask = input if sys.stdin.isatty() else None
        return feed_commands.feeds_add(
            arguments.url, feeds, settings=settings, name=arguments.name, pick=arguments.pick, ask=ask
        )
    if arguments.feeds_command == "import":
        return feed_commands.feeds_import(arguments.opml, feeds)
    return feed_commands.feeds_export(feeds, arguments.out)


COMMANDS = {
    "run": command_run,
    "sql": command_sql,
    "config": command_config,
    "serve": command_serve,
    "alerts": command_alerts,
    "report": command_report,
    "watchlist": command_watchlist,
    "check": command_check,
    "feeds": command_feeds,
    "demo": command_demo,
    "worker": command_worker,
    "cluster": command_cluster,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments, unknown = parser.parse_known_args(argv)
    if unknown:
        arguments.usage_of.error(f"unrecognized arguments: {' '.join(unknown)}")
    if arguments.command is None:
        parser.print_help()
        return EXIT_USAGE
    log_dir = Settings().log_dir
    try:
        settings = with_report_dir_for(settings_from_environment(), named_warehouse(arguments))
        log_dir = settings.log_dir
        return COMMANDS[arguments.command](arguments, settings)
    except KeyboardInterrupt:
        print("presswatch: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # the last line of defence: one readable line, the traceback in a log file
        return report_failure(arguments.command, error, log_dir)


def named_warehouse(arguments: argparse.Namespace) -> Path | None:
    """The file `--db` names, unless it is the configured warehouse's own snapshot (the team's report then)."""
    db: Path | None = getattr(arguments, "db", None)
    if db is None:
        return None
    from warehouse.database import snapshot_path  # only then: `check` and `sql` must start without DuckDB's import

    return None if db.resolve() == snapshot_path(settings_from_environment().db).resolve() else db


def report_failure(command: str, error: Exception, log_dir: Path) -> int:
    """Print a one-line reason; keep the traceback in the logs folder beside the warehouse for whoever debugs it."""
    from transforms.watchlist import SeedError
    from warehouse.database import WarehouseError

    expected = isinstance(error, SeedError | WarehouseError | ValueError | FileNotFoundError)
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    if expected:
        print(f"presswatch {command}: {message}", file=sys.stderr)
        return EXIT_FAILED
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / f"{command}-{datetime.now(UTC):%Y%m%dT%H%M%S}.log"
    log_file.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
    print(f"presswatch {command}: failed: {type(error).__name__}: {message} (details: {log_file})", file=sys.stderr)
    logging.getLogger("presswatch").debug("failure logged to %s", log_file)
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
