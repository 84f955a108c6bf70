"""The serve deployment is named from its cron: `hourly` only for an hourly schedule."""

from __future__ import annotations

import pytest

from transforms.deployment_names import deployment_name


@pytest.mark.parametrize(
    ("cron", "name"),
    [
        ("0 * * * *", "hourly"),
        ("15 * * * *", "hourly"),
        ("* * * * *", "every-minute"),
        ("*/1 * * * *", "every-minute"),
        ("*/5 * * * *", "every-5-minutes"),
        ("30 6 * * *", "daily"),
        ("0 9-17 * * 1-5", "cron-0-9to17-x-x-1to5"),
        ("0 */2 * * *", "cron-0-xs2-x-x-x"),
        ("0,30 * * * *", "cron-0_30-x-x-x-x"),
    ],
)
def test_the_name_says_the_schedule(cron: str, name: str) -> None:
    """A deployment on any cron is named for what it does; odd schedules carry their fields, never `hourly`."""
    assert deployment_name(cron) == name
