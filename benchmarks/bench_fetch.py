"""Fetch-stage benchmark on a loopback newsroom: first run, re-run with nothing new, politeness throughput.

A threaded loopback server answers for many host names (all resolved to 127.0.0.1 by an injected resolver)
with a fixed server-side latency. Feeds carry ETags; the second run should cost only conditional requests.
Per-host throughput is compared with its theoretical ceiling min(1 / per_host_delay, concurrency / latency).

    .venv/bin/python benchmarks/bench_fetch.py [--feeds 200] [--articles 2000] [--hosts 100]
        [--latency-ms 20] [--per-host-delay 1.0]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from loopback import LoopbackServer, Reply, Request  # noqa: E402

from flows.config import FetchSettings  # noqa: E402
from flows.fetching import FeedFetch, FeedSource, PageFetch, fetch_feeds, fetch_pages  # noqa: E402
from flows.http import UrlGuard  # noqa: E402

NOW = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)


def main() -> int:
    """Run the two passes and print the table."""
    options = parse_arguments()
    hosts = [f"outlet-{index:03d}.bench" for index in range(options.hosts)]
    feeds_per_host = max(1, options.feeds // options.hosts)
    articles_per_feed = max(1, options.articles // options.feeds)
    latency = options.latency_ms / 1000
    settings = FetchSettings(per_host_delay_s=options.per_host_delay, contact="bench@presswatch.invalid")
    with ServerProcess(articles_per_feed, latency) as server:
        guard = UrlGuard([f"http://{host}:{server.port}/" for host in hosts], resolver=lambda host, port: ["127.0.0.1"])
        sources = [
            FeedSource(f"{host}-{k}", host, f"http://{host}:{server.port}/feed/{k}")
            for host in hosts
            for k in range(feeds_per_host)
        ]

        started = time.perf_counter()
        first_feeds = fetch_feeds(sources, {}, settings=settings, guard=guard, now=NOW)
        urls = list(dict.fromkeys(entry.url for fetch in first_feeds for entry in fetch.entries))
        pages = fetch_pages(urls, settings=settings, guard=guard, respect_robots=lambda url: True)
        first_run = time.perf_counter() - started
        first_log = server.log()
        page_log = [entry for entry in first_log if not entry[1].startswith("/feed/")]

        seen = set(urls)
        states = {fetch.source_id: fetch.state for fetch in first_feeds}
        started = time.perf_counter()
        second_feeds = fetch_feeds(sources, states, settings=settings, guard=guard, now=NOW + timedelta(hours=1))
        new_urls = [e.url for fetch in second_feeds for e in fetch.entries if e.url not in seen]
        fetch_pages(new_urls, settings=settings, guard=guard, respect_robots=lambda url: True)
        second_run = time.perf_counter() - started
        second_requests = len(server.log()) - len(first_log)

    report(
        options,
        settings,
        latency,
        first_feeds,
        pages,
        first_run,
        second_feeds,
        second_run,
        second_requests,
        new_urls,
        page_log,
        feeds_per_host,
        len(first_log),
    )
    return 0


LogEntry = tuple[str, str, float]  # host, path, monotonic arrival time (system-wide clock on Linux)


class ServerProcess:
    """The newsroom server in its own process, so its Python work does not share our interpreter lock."""

    def __init__(self, articles_per_feed: int, latency: float) -> None:
        context = multiprocessing.get_context("spawn")
        self.commands: multiprocessing.Queue[str] = context.Queue()
        self.replies: multiprocessing.Queue[object] = context.Queue()
        self.process = context.Process(
            target=serve, args=(articles_per_feed, latency, self.commands, self.replies), daemon=True
        )
        self.port = 0

    def __enter__(self) -> ServerProcess:
        self.process.start()
        self.port = int(self.replies.get(timeout=30))  # type: ignore[call-overload]
        return self

    def __exit__(self, *exc: object) -> None:
        self.commands.put("stop")
        self.process.join(timeout=10)

    def log(self) -> list[LogEntry]:
        """Every request the server has received so far."""
        self.commands.put("log")
        return self.replies.get(timeout=30)  # type: ignore[return-value]


def serve(
    articles_per_feed: int, latency: float, commands: multiprocessing.Queue[str], replies: multiprocessing.Queue[object]
) -> None:
    """Child process body: serve until told to stop, answering log requests."""
    with LoopbackServer(fallback=Newsroom(articles_per_feed, latency).answer) as server:
        replies.put(server.port)
        while commands.get() != "stop":
            replies.put(
                [(request.host.split(":")[0], request.path, request.received_at) for request in list(server.requests)]
            )


class Newsroom:
    """Feeds with ETags, article pages, robots.txt; every answer after a fixed latency."""

    def __init__(self, articles_per_feed: int, latency: float) -> None:
        self.articles_per_feed = articles_per_feed
        self.latency = latency

    def answer(self, request: Request) -> Reply:
        """Route by path; the Host header only names the outlet."""
        path = request.path
        if path == "/robots.txt":
            return Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain", delay_s=self.latency)
        if path.startswith("/feed/"):
            etag = f'"{path}-v1"'
            if request.header("If-None-Match") == etag:
                return Reply(status=304, content_type=None, headers={"ETag": etag}, delay_s=self.latency)
            feed = path.rsplit("/", 1)[1]
            items = "".join(
                f"<item><title>Story {feed}-{j}</title><link>/news/{feed}-{j}?utm_source=rss</link>"
                f"<pubDate>Mon, 06 Jan 2025 10:{j % 60:02d}:00 GMT</pubDate>"
                f"<description>Summary of story {j} about the inquiry.</description></item>"
                for j in range(self.articles_per_feed)
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{feed}</title>{items}</channel></rss>'
            return Reply(
                body=body.encode(), content_type="application/rss+xml", headers={"ETag": etag}, delay_s=self.latency
            )
        page = f"<html><head><title>{path}</title></head><body><article><p>{'Text. ' * 300}</p></article>"
        return Reply(body=(page + "</body></html>").encode(), delay_s=self.latency)


def report(
    options: argparse.Namespace,
    settings: FetchSettings,
    latency: float,
    first_feeds: list[FeedFetch],
    pages: list[PageFetch],
    first_run: float,
    second_feeds: list[FeedFetch],
    second_run: float,
    second_requests: int,
    new_urls: list[str],
    page_log: list[LogEntry],
    feeds_per_host: int,
    first_requests: int,
) -> None:
    """Print the run table and the throughput table."""
    outcomes: dict[str, int] = defaultdict(int)
    for page in pages:
        outcomes[page.result.outcome] += 1
    second_outcomes: dict[str, int] = defaultdict(int)
    for fetch in second_feeds:
        second_outcomes[fetch.outcome] += 1
    print(
        f"newsroom: {len(first_feeds)} feeds, {len(pages)} articles, {options.hosts} hosts "
        f"({feeds_per_host} feeds/host), latency {options.latency_ms} ms, per-host delay "
        f"{settings.per_host_delay_s}s, per-host concurrency {settings.per_host_concurrency}, "
        f"global {settings.global_concurrency}"
    )
    print(f"\n{'run':<34}{'seconds':>9}{'requests':>10}{'vs first':>10}")
    print(f"{'first run (feeds + pages)':<34}{first_run:>9.2f}{first_requests:>10}{1.0:>10.3f}")
    print(f"{'second run, nothing new':<34}{second_run:>9.2f}{second_requests:>10}{second_run / first_run:>10.3f}")
    verdict = "met" if second_run / first_run < 0.05 else "NOT met"
    print(f"  target: second run < 5% of the first: {verdict} ({second_run / first_run:.1%})")
    print(
        f"  first run pages: {dict(outcomes)}; second run feeds: {dict(second_outcomes)}; "
        f"new pages fetched: {len(new_urls)}"
    )
    floor = (feeds_per_host - 1) * min(settings.per_host_delay_s, settings.feed_per_host_delay_s)
    global_floor = len(second_feeds) * latency / settings.global_concurrency
    print(
        f"  floors of the second run: politeness ({feeds_per_host} feeds/host - 1) x feed delay = {floor:.2f}s; "
        f"global cap {len(second_feeds)} requests x {options.latency_ms:.0f} ms / "
        f"{settings.global_concurrency} in flight = {global_floor:.2f}s"
    )

    by_host: dict[str, list[float]] = defaultdict(list)
    for host, _, received_at in page_log:
        by_host[host].append(received_at)
    rates = [(len(times) - 1) / (max(times) - min(times)) for times in by_host.values() if len(times) > 1]
    ceiling = min(
        1 / settings.per_host_delay_s if settings.per_host_delay_s else float("inf"),
        settings.per_host_concurrency / latency,
    )
    total_ceiling = min(ceiling * len(by_host), settings.global_concurrency / latency)
    all_times = [t for times in by_host.values() for t in times]
    total_rate = (len(all_times) - 1) / (max(all_times) - min(all_times))
    print(f"\n{'page-phase throughput':<34}{'achieved':>10}{'ceiling':>10}{'ratio':>8}")
    print(
        f"{'per host, mean (req/s)':<34}{statistics.mean(rates):>10.3f}{ceiling:>10.3f}"
        f"{statistics.mean(rates) / ceiling:>8.3f}"
    )
    print(f"{'per host, slowest (req/s)':<34}{min(rates):>10.3f}{ceiling:>10.3f}{min(rates) / ceiling:>8.3f}")
    print(f"{'all hosts (req/s)':<34}{total_rate:>10.1f}{total_ceiling:>10.1f}{total_rate / total_ceiling:>8.3f}")


def parse_arguments() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--per-host-delay", type=float, default=1.0)
    return parser.parse_args()


if __name__ == "__main__":
    raise SystemExit(main())
