"""Whether the seed imports grow linearly: `feeds import` of N and 2N outlines of one title, and
`watchlist import-roles --add-people` of N and 2N holders whose names reduce to one id. Each run is a fresh process,
measured in CPU seconds.

    .venv/bin/python benchmarks/bench_imports.py [--outlines 8000] [--holders 600] [--runs 3]

A linear import takes about twice the CPU for twice the input once the one-item import (start-up and fixed work)
is taken off; the numbering it replaced was quadratic (16,000 outlines took 4.7 times as long as 8,000).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTITY = "http://www.wikidata.org/entity/"
PEOPLE = "person_id,name\n"
GREEK = "αβγδεζηθικλμνξοπρστυφχψω"


def opml(outlines: int) -> str:
    body = "".join(
        f'<outline type="rss" text="The Herald" xmlUrl="https://h.example/{number}.rss"/>' for number in range(outlines)
    )
    return f'<?xml version="1.0"?><opml version="2.0"><body>{body}</body></opml>'


def greek(number: int) -> str:
    """`number` in Greek letters: names stay distinct and short while the id made from them stays "jane-doe"."""
    letters = ""
    while True:
        number, digit = divmod(number, len(GREEK))
        letters += GREEK[digit]
        if not number:
            return letters


def query_result(holders: int) -> str:
    """Holders of the shipped roles' first office, one day each, named so that every name gives one id."""
    rows = [
        {
            "office": {"type": "uri", "value": ENTITY + "Q14211"},
            "person": {"type": "uri", "value": f"{ENTITY}Q{900_000 + number}"},
            "personLabel": {"type": "literal", "value": f"Jane Doe {greek(number)}"},
            "start": {"type": "literal", "value": f"{date(1990, 1, 1) + timedelta(days=number)}T00:00:00Z"},
        }
        for number in range(holders)
    ]
    return json.dumps({"head": {"vars": []}, "results": {"bindings": rows}})


def seconds(command: list[str], environment: dict[str, str]) -> float:
    """The CPU seconds (user and system) the command's process used: steadier than wall time on a shared machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, **environment}, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-400:]}")
    return elapsed


def feeds_import(work: Path, outlines: int) -> float:
    source = work / f"{outlines}.opml"
    source.write_text(opml(outlines), encoding="utf-8")
    target = work / f"feeds-{outlines}.csv"
    target.unlink(missing_ok=True)
    command = [sys.executable, "-m", "flows.interface.cli", "feeds", "import", str(source), "--feeds", str(target)]
    return seconds(command, {})


def roles_import(work: Path, holders: int) -> float:
    seeds = work / f"seeds-{holders}"
    shutil.rmtree(seeds, ignore_errors=True)
    seeds.mkdir()
    (seeds / "people.csv").write_text(PEOPLE, encoding="utf-8")
    shutil.copy(ROOT / "seeds" / "roles.csv", seeds / "roles.csv")
    source = work / f"{holders}.json"
    source.write_text(query_result(holders), encoding="utf-8")
    command = [sys.executable, "-m", "flows.interface.cli", "watchlist", "import-roles", "--add-people", str(source)]
    return seconds(command, {"PRESSWATCH_SEEDS_DIR": str(seeds)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlines", type=int, default=8000)
    parser.add_argument("--holders", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        for name, measure, size in (
            ("feeds import, outlines of one title", feeds_import, options.outlines),
            ("import-roles --add-people, holders of one id", roles_import, options.holders),
        ):
            # A one-item import is the baseline: the command's start and fixed work, which do not grow with N.
            base = statistics.median(measure(work, 1) for _ in range(options.runs))
            single = statistics.median(measure(work, size) for _ in range(options.runs))
            double = statistics.median(measure(work, 2 * size) for _ in range(options.runs))
            print(
                f"{name} (CPU s): 1 {base:.2f}, {size:,} {single:.2f}, {2 * size:,} {double:.2f}; "
                f"ratio {double / single:.2f}, less the one-item import {(double - base) / (single - base):.2f}"
            )

if __name__ == "__main__":
    main()
