"""The serve deployment's name, said from its cron schedule: `hourly` only when the schedule is hourly.

Prefect shows the name in its UI and in every flow run's name, so a name that says the wrong rhythm misleads.
"""

from __future__ import annotations

import re

NUMBER = re.compile(r"^\d+$")
STEP = re.compile(r"^\*/(\d+)$")


def deployment_name(cron: str) -> str:
    """`hourly`, `daily`, `every-minute`, `every-N-minutes` for those rhythms; otherwise `cron-` and the fields."""
    fields = cron.split()
    if len(fields) != 5:
        return cron_slug(fields)
    minute, hour, day, month, weekday = fields
    every_day = (day, month, weekday) == ("*", "*", "*")
    if every_day and hour == "*":
        if minute == "*":
            return "every-minute"
        if NUMBER.match(minute):
            return "hourly"
        step = STEP.match(minute)
        if step:
            return "every-minute" if step.group(1) == "1" else f"every-{int(step.group(1))}-minutes"
    if every_day and NUMBER.match(minute) and NUMBER.match(hour):
        return "daily"
    return cron_slug(fields)


def cron_slug(fields: list[str]) -> str:
    """`cron-0-9-x-x-1s5`-like: the fields in characters Prefect accepts in a deployment name."""
    table = str.maketrans({"*": "x", "/": "s", ",": "_", "-": "to"})
    return "cron-" + "-".join(field.translate(table) for field in fields)
