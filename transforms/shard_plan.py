"""Which shard fetches which host: a host is one shard's, so per-host politeness holds across machines.

Hosts are placed largest first (by weight: feeds plus recent articles) onto the least-loaded shard, the classic
longest-processing-time rule: the largest shard then exceeds the average by at most one host's weight. A host
keeps its earlier shard while the shard count is unchanged (its feed states and politeness stay put); only hosts
new to the plan are placed. A different shard count plans every host afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit


def host_of(feed_url: str) -> str:
    """The host a feed is fetched from, lower case, without port; an unreadable URL is its own host."""
    try:
        host = urlsplit(feed_url).hostname
    except ValueError:
        host = None
    return (host or feed_url).lower()


def host_weights(feeds_by_host: Mapping[str, int], recent_articles: Mapping[str, int]) -> dict[str, float]:
    """What a host weighs: its feeds, plus the articles its feeds brought in the last day (a busy feed's pages
    cost more than a quiet feed's). Every host weighs at least one."""
    hosts = set(feeds_by_host) | set(recent_articles)
    return {host: float(max(1, feeds_by_host.get(host, 0) + recent_articles.get(host, 0))) for host in hosts}


def assign_hosts(
    weights: Mapping[str, float],
    shards: int,
    earlier: Mapping[str, int] | None = None,
    earlier_shards: int | None = None,
) -> dict[str, int]:
    """host -> shard (0 .. shards-1) for every host in `weights`.

    With the same shard count as `earlier_shards`, hosts keep their `earlier` shard; the others are placed largest
    first (ties by name) on the shard with the least weight so far (ties by number).
    """
    if shards < 1:
        raise ValueError(f"a plan needs at least one shard, not {shards}")
    kept = {
        host: shard
        for host, shard in (earlier or {}).items()
        if earlier_shards == shards and host in weights and 0 <= shard < shards
    }
    loads = [0.0] * shards
    for host, shard in kept.items():
        loads[shard] += weights[host]
    assigned = dict(kept)
    for host in sorted((host for host in weights if host not in kept), key=lambda host: (-weights[host], host)):
        shard = min(range(shards), key=lambda index: (loads[index], index))
        assigned[host] = shard
        loads[shard] += weights[host]
    return assigned


def hash_assign(hosts: Iterable[str], shards: int) -> dict[str, int]:
    """The naive alternative benchmarks compare against: a stable hash of the host name, modulo the shard count."""
    import zlib

    return {host: zlib.crc32(host.encode()) % shards for host in hosts}


def by_shard(assignment: Mapping[str, int], shards: int) -> dict[int, list[str]]:
    """The hosts of every shard (each sorted), every shard present even when empty."""
    grouped: dict[int, list[str]] = {shard: [] for shard in range(shards)}
    for host, shard in assignment.items():
        grouped[shard].append(host)
    return {shard: sorted(hosts) for shard, hosts in grouped.items()}


def imbalance(assignment: Mapping[str, int], weights: Mapping[str, float], shards: int) -> float:
    """The largest shard's weight over the average shard's: 1.0 is perfect balance."""
    loads = [0.0] * shards
    for host, shard in assignment.items():
        loads[shard] += weights[host]
    average = sum(loads) / shards
    return max(loads) / average if average else 1.0
