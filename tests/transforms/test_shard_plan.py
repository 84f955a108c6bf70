"""The shard plan: every host on exactly one shard, hosts keep their shard, and shards stay balanced."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.shard_plan import assign_hosts, by_shard, hash_assign, host_of, host_weights, imbalance

HOSTS = st.dictionaries(
    st.from_regex(r"[a-z]{1,8}\.example", fullmatch=True), st.integers(1, 5_000).map(float), min_size=1, max_size=60
)
SHARDS = st.integers(1, 16)


@given(HOSTS, SHARDS)
def test_every_host_is_on_exactly_one_shard(weights: dict[str, float], shards: int) -> None:
    assignment = assign_hosts(weights, shards)
    grouped = by_shard(assignment, shards)

    assert set(assignment) == set(weights)
    assert sorted(host for hosts in grouped.values() for host in hosts) == sorted(weights)
    assert all(0 <= shard < shards for shard in assignment.values())


@given(HOSTS, SHARDS)
def test_largest_shard_exceeds_the_average_by_at_most_one_host(weights: dict[str, float], shards: int) -> None:
    assignment = assign_hosts(weights, shards)
    loads = [sum(weights[host] for host, shard in assignment.items() if shard == index) for index in range(shards)]

    assert max(loads) <= sum(weights.values()) / shards + max(weights.values())


@given(HOSTS, HOSTS, SHARDS)
def test_hosts_keep_their_shard_while_the_count_is_unchanged(
    before: dict[str, float], added: dict[str, float], shards: int
) -> None:
    earlier = assign_hosts(before, shards)
    # The weights move (a busier day) and hosts come and go: the hosts still there keep their shard.
    now = {**{host: weight * 2 for host, weight in list(before.items())[::2]}, **added}
    later = assign_hosts(now, shards, earlier, shards)

    assert all(later[host] == earlier[host] for host in now if host in earlier)
    assert set(later) == set(now)


@given(HOSTS)
def test_a_new_shard_count_plans_afresh(weights: dict[str, float]) -> None:
    earlier = {host: 0 for host in weights}

    assert assign_hosts(weights, 3, earlier, earlier_shards=1) == assign_hosts(weights, 3)


def test_largest_first_beats_hashing_on_skewed_hosts() -> None:
    """One big host and many small ones (a Zipf-like newsroom): placing the big one first balances better."""
    weights = {f"h{rank}.example": 1000 / rank for rank in range(1, 200)}

    planned = imbalance(assign_hosts(weights, 8), weights, 8)
    hashed = imbalance(hash_assign(weights, 8), weights, 8)

    assert planned < hashed
    # The largest host alone on its shard: nothing can do better.
    assert planned == pytest.approx(max(weights.values()) / (sum(weights.values()) / 8))


def test_a_host_is_the_feed_urls_host_without_port() -> None:
    assert host_of("https://News.Example.com:8443/feed.xml") == "news.example.com"
    assert host_of("not a url") == "not a url"


def test_hosts_weigh_their_feeds_and_recent_articles() -> None:
    assert host_weights({"a": 2, "b": 1}, {"a": 10, "c": 3}) == {"a": 12.0, "b": 1.0, "c": 3.0}
