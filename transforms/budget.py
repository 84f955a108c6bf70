"""A run's budget: which picked entries it fetches, in what order, and which it leaves for later runs.

Pure: the entries a run picked and the deferrals earlier runs recorded in, the plan out. The rule, in one place:
- at most `cap` entries per feed per run (0: no cap);
- within a feed, entries earlier runs deferred come first, the oldest deferral first, so a backlog always drains;
  then this run's entries; each group newest first by the entry's date, undated ones last in feed order;
- the entries taken are fetched host by host in turn, so one host's backlog cannot hold the other hosts back
  (politeness itself stays per host, in the HTTP layer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, zip_longest
from typing import TypeVar
from urllib.parse import urlsplit

import polars as pl

from transforms.records import FeedEntry
from transforms.revisions import NewEntry
from transforms.run_rows import TIMESTAMP

T = TypeVar("T")
DEFERRAL_SCHEMA: dict[str, pl.DataType] = {
    "url": pl.String(),
    "source_id": pl.String(),
    "reason": pl.String(),
    "first_deferred_run": pl.String(),
    "first_deferred_at": TIMESTAMP,
    "guid": pl.String(),
    "title": pl.String(),
    "published_at": TIMESTAMP,
    "summary": pl.String(),
    "language": pl.String(),
    "settled": pl.Boolean(),  # a row that only says the entry is no longer deferred; never stored
}
CAP_REASON = "cap"  # over the per-feed cap
DEADLINE_REASON = "deadline"  # not reached before the run's deadline


@dataclass(frozen=True)
class Deferral:
    """An entry a run did not fetch, with why and since when; kept until a run loads its article."""

    item: NewEntry
    reason: str
    first_deferred_run: str
    first_deferred_at: datetime


@dataclass(frozen=True)
class WorkPlan:
    """The entries this run fetches, in fetch order, and those over their feed's cap."""

    taken: list[NewEntry]
    over_cap: list[NewEntry]


def plan_work(picked: Sequence[NewEntry], earlier: Mapping[str, Deferral], *, cap: int) -> WorkPlan:
    """Cap each feed's entries and order what is taken for fetching (the module's rule)."""
    by_source: dict[str, list[NewEntry]] = {}
    for item in picked:
        by_source.setdefault(item.source_id, []).append(item)
    taken_by_host: dict[str, list[list[NewEntry]]] = {}
    over_cap: list[NewEntry] = []
    for items in by_source.values():
        held = newest_first([item for item in items if item.entry.url in earlier])
        held.sort(key=lambda item: earlier[item.entry.url].first_deferred_at)  # stable: newest first within a run
        fresh = newest_first([item for item in items if item.entry.url not in earlier])
        ordered = held + fresh
        limit = cap if cap > 0 else len(ordered)
        over_cap.extend(ordered[limit:])
        for host, group in by_host(ordered[:limit]).items():
            taken_by_host.setdefault(host, []).append(group)
    # A host's feeds take turns within the host's share, and the hosts take turns with each other.
    return WorkPlan(taken=interleave([interleave(groups) for groups in taken_by_host.values()]), over_cap=over_cap)


def newest_first(items: Sequence[NewEntry]) -> list[NewEntry]:
    """Dated entries newest first, then the undated ones in the order the feed gave them."""
    dated = [item for item in items if item.entry.published_at is not None]
    undated = [item for item in items if item.entry.published_at is None]
    return sorted(dated, key=lambda item: item.entry.published_at, reverse=True) + undated  # type: ignore[arg-type, return-value]


def by_host(items: Sequence[NewEntry]) -> dict[str, list[NewEntry]]:
    """The entries grouped by their page's host, each group in the given order."""
    groups: dict[str, list[NewEntry]] = {}
    for item in items:
        groups.setdefault((urlsplit(item.entry.url).hostname or "").lower(), []).append(item)
    return groups


def interleave(groups: Sequence[Sequence[T]]) -> list[T]:
    """One from each group in turn until all are used: [[a1, a2], [b1]] -> [a1, b1, a2]."""
    missing = object()
    return [item for item in chain.from_iterable(zip_longest(*groups, fillvalue=missing)) if item is not missing]  # type: ignore[misc]


def deferral_from_row(row: Mapping[str, object]) -> Deferral:
    """A stored deferral (a deferred_articles row) as the entry a run can pick again."""
    entry = FeedEntry(
        url=str(row["url"]),
        guid=row["guid"],  # type: ignore[arg-type]
        title=str(row["title"] or ""),
        published_at=row["published_at"],  # type: ignore[arg-type]
        summary=str(row["summary"] or ""),
        language=row["language"],  # type: ignore[arg-type]
    )
    return Deferral(
        NewEntry(str(row["source_id"]), entry),
        str(row["reason"]),
        str(row["first_deferred_run"]),
        row["first_deferred_at"],  # type: ignore[arg-type]
    )


def deferrals_frame(
    items: Sequence[NewEntry],
    reason: str,
    earlier: Mapping[str, Deferral],
    *,
    run_id: str,
    now: datetime,
    settled: Sequence[str] = (),
) -> pl.DataFrame:
    """deferred_articles rows for entries this run newly defers, or defers for another reason than before (an entry
    keeps its first deferral), and `settled` rows for deferred URLs that need no fetch any more. A backlog deferred
    again for the same reason is not written again: a run writes what changed, not the whole backlog."""
    rows: list[dict[str, object]] = []
    for item in items:
        first = earlier.get(item.entry.url)
        if first is not None and first.reason == reason:
            continue
        entry = item.entry
        rows.append({
            "url": entry.url, "source_id": item.source_id, "reason": reason,
            "first_deferred_run": first.first_deferred_run if first else run_id,
            "first_deferred_at": first.first_deferred_at if first else now,
            "guid": entry.guid, "title": entry.title,
            "published_at": entry.published_at, "summary": entry.summary, "language": entry.language,
            "settled": False,
        })  # fmt: skip
    rows.extend({"url": url, "settled": True} for url in settled)
    return pl.DataFrame(rows, schema=DEFERRAL_SCHEMA)
