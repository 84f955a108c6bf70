"""The run's budget rule: which picked entries a run fetches, in what order, and which it defers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from transforms.budget import Deferral, deferrals_frame, plan_work
from transforms.records import FeedEntry
from transforms.revisions import NewEntry

NOON = datetime(2025, 1, 6, 12, tzinfo=UTC)


def entry(source_id: str, url: str, minutes: int | None) -> NewEntry:
    published = NOON + timedelta(minutes=minutes) if minutes is not None else None
    return NewEntry(source_id, FeedEntry(url=url, guid=None, title=url, published_at=published, summary=""))


class TestPlanWork:
    def test_cap_keeps_the_newest_and_undated_come_last_in_feed_order(self) -> None:
        """Over the cap, the newest dated entries are taken; undated ones rank after every dated one."""
        picked = [
            entry("a", "http://a/undated-1", None),
            entry("a", "http://a/old", 1),
            entry("a", "http://a/undated-2", None),
            entry("a", "http://a/new", 9),
            entry("a", "http://a/middle", 5),
        ]

        plan = plan_work(picked, {}, cap=3)

        assert [item.entry.url for item in plan.taken] == ["http://a/new", "http://a/middle", "http://a/old"]
        assert [item.entry.url for item in plan.over_cap] == ["http://a/undated-1", "http://a/undated-2"]

    def test_hosts_take_turns(self) -> None:
        """Entries are fetched host by host in turn, so one host's backlog cannot hold the others back."""
        picked = [entry("big", f"http://big/{n}", n) for n in range(4)] + [
            entry("small", "http://small/1", 1),
            entry("other", "http://other/1", 1),
        ]

        plan = plan_work(picked, {}, cap=10)

        hosts = [item.entry.url.split("/")[2] for item in plan.taken]
        assert hosts == ["big", "small", "other", "big", "big", "big"]

    def test_earlier_deferrals_come_first_oldest_first(self) -> None:
        """A feed's entries deferred by earlier runs are taken before its fresh ones, the oldest deferral first."""
        older = entry("a", "http://a/older", 1)
        newer = entry("a", "http://a/newer", 2)
        fresh = entry("a", "http://a/fresh", 30)
        earlier = {
            older.entry.url: Deferral(older, "cap", "run-1", NOON),
            newer.entry.url: Deferral(newer, "cap", "run-2", NOON + timedelta(hours=1)),
        }

        plan = plan_work([fresh, newer, older], earlier, cap=2)

        assert [item.entry.url for item in plan.taken] == ["http://a/older", "http://a/newer"]
        assert [item.entry.url for item in plan.over_cap] == ["http://a/fresh"]

    def test_no_cap_takes_everything(self) -> None:
        """A cap of 0 turns the per-feed limit off."""
        picked = [entry("a", f"http://a/{n}", n) for n in range(5)]

        plan = plan_work(picked, {}, cap=0)

        assert len(plan.taken) == 5
        assert plan.over_cap == []


class TestDeferralRows:
    def test_a_run_writes_new_and_changed_deferrals_only(self) -> None:
        """A backlog deferred again for the same reason is not rewritten; a new reason keeps the first deferral."""
        same, moved, new = (entry("a", f"http://a/{name}", 1) for name in ("same", "moved", "new"))
        earlier = {
            same.entry.url: Deferral(same, "cap", "run-1", NOON),
            moved.entry.url: Deferral(moved, "cap", "run-1", NOON),
        }

        cap = deferrals_frame([same, new], "cap", earlier, run_id="run-2", now=NOON + timedelta(hours=1))
        late = deferrals_frame([moved], "deadline", earlier, run_id="run-2", now=NOON + timedelta(hours=1))

        assert cap.select("url", "first_deferred_run").rows() == [("http://a/new", "run-2")]
        assert late.select("url", "reason", "first_deferred_run", "first_deferred_at").rows() == [
            ("http://a/moved", "deadline", "run-1", NOON)
        ]
