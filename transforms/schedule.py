"""How long a scheduled run may fetch: below the schedule's shortest gap between two runs, so one run's work never
makes the next one a skipped "another run is in progress"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError

DEADLINE_SHARE = 0.75  # of the shortest gap: the rest is for extraction, load, alerts, report and publish
FIRES_READ = 500  # a year of a weekday-only schedule's gaps (weekends, DST changes) is within these


class ScheduleError(ValueError):
    """The cron expression or timezone cannot be read; the message says which."""


def shortest_gap_s(cron: str, timezone: str, start: datetime) -> float:
    """The shortest time between two consecutive runs of `cron` in `timezone`, over its next FIRES_READ runs."""
    try:
        fires = CronSim(cron, start.astimezone(ZoneInfo(timezone)))
        previous = next(fires)
        shortest = float("inf")
        for _ in range(FIRES_READ):
            current = next(fires)
            shortest = min(shortest, (current - previous).total_seconds())
            previous = current
    except (CronSimError, KeyError, ValueError) as error:
        raise ScheduleError(f"cannot read the schedule {cron!r} ({timezone}): {error}") from error
    except StopIteration:  # a schedule that fires once at most has no gap to fit in
        return float("inf")
    return shortest


def scheduled_deadline_s(configured_s: float, gap_s: float) -> float:
    """The run deadline a scheduled run gets: the configured one (0 is none), never beyond DEADLINE_SHARE of the
    schedule's shortest gap."""
    bound = round(DEADLINE_SHARE * gap_s, 1)
    return bound if configured_s <= 0 else min(configured_s, bound)


SHARD_FLOOR_S = 1.0  # a shard that starts late still fetches a moment and stages its feeds' state


def shard_fetch_seconds(share_s: float, *, stop_by: float | None, now: float) -> float:
    """How long a shard may start page fetches: its share of the run's deadline less the time it spent queued and
    starting up (`stop_by` is when the parent's share ends, on the parent's clock). A clock that disagrees with the
    parent's can shorten it to SHARD_FLOOR_S, never lengthen it beyond the share; 0 (no deadline) stays 0."""
    if share_s <= 0 or stop_by is None:
        return share_s
    return min(share_s, max(SHARD_FLOOR_S, round(stop_by - now, 1)))
