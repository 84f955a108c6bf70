"""Benchmark: mention detection over a large synthetic watchlist, against a bare Aho-Corasick scan.

A watchlist of 5,000 generated people (about 25,000 forms after honorific and misspelling variants) is written
as seed CSV text, parsed and built once; then ~10 MB of generated article text goes through the full detector
(sentences, rules, offsets) and through a bare pyahocorasick scan of the same forms, in the same run.

    .venv/bin/python benchmarks/bench_mentions.py            # 10 MB
    .venv/bin/python benchmarks/bench_mentions.py --mb 1     # quicker

--hostile measures the whole detect of one article (mentions, topics, quotes: flows.stages.detect_article) on a
page that is one endless paragraph (issue 24.2), against ordinary news text of the same length from the mention
gold passages, each in a fresh process: CPU seconds and peak memory growth, with no character limit and with the
shipped PRESSWATCH_DETECT_MAX_CHARS.

    .venv/bin/python benchmarks/bench_mentions.py --hostile [--sizes 120 250 1000]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import ahocorasick

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms.mentions import MentionDetector, fold
from transforms.watchlist import Watchlist, parse_watchlist


def words(line: str) -> list[str]:
    return line.split()


PEOPLE = 5_000
SEED = 20250106
FIRST_NAMES = words(
    "Adam Alice Amir Anna Ben Beth Carl Chloe Dan Dina Ed Ella Femi Fiona Gary Grace Hana Harry Ian Isla Jack "
    "Jade Kemal Kate Leo Lily Marc Maya Nadia Neil Olga Omar Paul Priya Raj Rosa Sam Sara Tom Tara Umar Vera "
    "Will Wendy Yusuf Zara"
)
SURNAME_HEADS = words("Ash Black Brad Brook Cald Cran Dun Elm Fair Gold Hart Hol Kings Lang Mar Nor Oak Pen Red Ross")
SURNAME_TAILS = words(
    "ford well wood ley ton field worth by ham stead more wick combe shaw gate croft lake bury den ridge"
)
FILLER = words(
    "the government said on monday that it would review the plans after a week of criticism from councils and "
    "campaigners who argued that the figures published last year were incomplete and that ministers had not "
    "answered questions raised in parliament about funding staffing and the timetable for reform in england"
)


def synthetic_seeds(people: int, rng: random.Random) -> dict[str, str]:
    """Seed CSV texts for generated people: unique full names, shared surnames, an honorific, a few misspellings.

    Each person yields five forms (full, surname, "Mr X", "Mr. X", "Mr Full Name"), plus four per misspelling.
    """
    surnames = [head + tail for head in SURNAME_HEADS for tail in SURNAME_TAILS]
    pairs = [(first, surname) for surname in surnames for first in FIRST_NAMES]
    rng.shuffle(pairs)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["person_id", "name", "honorifics", "misspellings", "descriptors"])
    for first, surname in pairs[:people]:
        name = f"{first} {surname}"
        misspelt = f"{first} {surname[:-1]}{surname[-1] * 2}" if rng.random() < 0.1 else ""
        writer.writerow([name.lower().replace(" ", "-"), name, rng.choice(["Mr", "Ms", "Dr"]), misspelt, ""])
    roles = "role_id,name,forms\nchair,Chair,the Chair;the chair of the board\n"
    holders = f"role_id,person_id,valid_from,valid_to\nchair,{pairs[0][0].lower()}-{pairs[0][1].lower()},2020-01-01,\n"
    return {
        "people.csv": out.getvalue(),
        "roles.csv": roles,
        "role_holders.csv": holders,
        "topics.csv": "topic_id,name,terms,co_terms\n",
    }


def synthetic_articles(watchlist: Watchlist, megabytes: float, rng: random.Random) -> list[str]:
    """Article-like texts (headline, paragraphs) that name watchlist people in the usual mix of forms."""
    people = watchlist.people
    articles: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        cast = rng.sample(people, 6)
        headline = f"{cast[0].surname} and {cast[1].surname} clash over {rng.choice(FILLER)} plans"
        paragraphs = []
        for _ in range(rng.randint(6, 12)):
            sentences = []
            for _ in range(rng.randint(2, 4)):
                person = rng.choice(cast)
                form = rng.choice(
                    [person.name, f"Mr {person.surname}", person.surname, "The Chair", f"{person.surname}'s"]
                )
                words = rng.choices(FILLER, k=rng.randint(10, 24))
                words.insert(rng.randint(0, len(words)), form)
                sentence = " ".join(words)
                sentences.append(sentence[0].upper() + sentence[1:] + ".")
            paragraphs.append(" ".join(sentences))
        article = headline + "\n\n" + "\n\n".join(paragraphs)
        articles.append(article)
        size += len(article.encode("utf-8"))
    return articles


def bare_automaton(keys: list[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, len(key))
    automaton.make_automaton()
    return automaton


HOSTILE = {
    "starmer": "Keir Starmer ",  # the page: 9,230 of these made 1.1 billion snippet characters
    "titles": "the prime minister visited Britain and France and ",  # every title decided by country context
    "quotes": "‘we will deliver for the people of this country,’ Keir Starmer said, and ",
    "dots": ".",  # one run of full stops: the sentence splitter backtracked through it (14 s at 20 KB)
}


def probe(kind: str, kilobytes: int, limited: bool) -> None:
    """In this fresh process: detect one article of about kilobytes KB, print seconds, peak MB and rows."""
    from flows import quoting, seeds, stages
    from flows.config import SEEDS_DIR, DetectionSettings
    from tests.eval.mentions.gold import load_passages
    from transforms.records import ExtractedPage
    from transforms.run_rows import ArticleRecord
    from transforms.topics import TopicDetector

    size = kilobytes * 1000
    if kind == "normal":
        passages = "\n\n".join(passage.text for passage in load_passages())
        text = ("Headline\n\n" + passages * (size // len(passages) + 1))[:size]
    else:
        text = ("Headline\n\n" + HOSTILE[kind] * (size // len(HOSTILE[kind]) + 1))[:size]
    watchlist = seeds.load_watchlist(SEEDS_DIR)
    limits = DetectionSettings() if limited else DetectionSettings(max_chars=10**9)
    detectors = stages.Detectors(
        MentionDetector(watchlist), TopicDetector(watchlist), quoting.load_speech_cues(), limits
    )
    extractor = stages.QuoteExtractor(detectors.cues or quoting.load_speech_cues())
    now = datetime(2025, 1, 6, tzinfo=UTC)
    page = ExtractedPage(text, "Headline", None, None, None, "en", None, "trafilatura", "ok")
    article = ArticleRecord("a", "s", "u", None, "Headline", "Headline", now, None, None, now, now, now, text, page,
                            200, "ok", 0)  # fmt: skip
    with open("/proc/self/clear_refs", "w") as refs:  # peak RSS from here on
        refs.write("5")
    before = _status_kb("VmRSS")
    started = time.process_time()  # CPU seconds: steadier than wall-clock on a machine others share
    detected = stages.detect_article(article, detectors, extractor)
    seconds = time.process_time() - started
    peak_mb = (_status_kb("VmHWM") - before) / 1024
    rows = len(detected.mentions) + len(detected.topic_mentions) + len(detected.quotes)
    print(f"RESULT {seconds:.3f} {peak_mb:.1f} {rows}")


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1])


def hostile(sizes: list[int]) -> None:
    """Each hostile page against ordinary text of the same size, unlimited and with the shipped limit."""
    header = f"{'page':<8}{'KB':>6}{'limit':>8}{'CPU s':>9}{'peak MB':>9}{'rows':>8}"
    print(f"{header}{'s vs normal':>13}{'MB vs normal':>14}")
    for limited in (False, True):
        for kilobytes in sizes:
            normal = _measure("normal", kilobytes, limited)
            for kind in ("normal", *HOSTILE):
                seconds, peak, rows = normal if kind == "normal" else _measure(kind, kilobytes, limited)
                limit = "300k" if limited else "none"
                ratios = f"{seconds / max(normal[0], 1e-3):>13.2f}{peak / max(normal[1], 0.1):>14.2f}"
                print(f"{kind:<8}{kilobytes:>6}{limit:>8}{seconds:>9.2f}{peak:>9.1f}{rows:>8}{ratios}", flush=True)


def _measure(kind: str, kilobytes: int, limited: bool) -> tuple[float, float, int]:
    finished = subprocess.run(
        [sys.executable, __file__, "--probe", kind, str(kilobytes), "1" if limited else "0"],
        capture_output=True,
        text=True,
    )
    line = next((line for line in finished.stdout.splitlines() if line.startswith("RESULT")), "")
    if not line:
        raise SystemExit(f"probe {kind} {kilobytes} failed:\n{finished.stderr[-1500:]}")
    _, seconds, peak, rows = line.split()
    return float(seconds), float(peak), int(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0, help="megabytes of article text (default 10)")
    parser.add_argument("--people", type=int, default=PEOPLE, help="people in the synthetic watchlist")
    parser.add_argument("--hostile", action="store_true", help="one endless paragraph against ordinary text")
    parser.add_argument("--sizes", type=int, nargs="+", default=[120, 250, 1000], help="hostile page sizes in KB")
    parser.add_argument("--probe", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.probe:
        kind, kilobytes, limited = options.probe
        return probe(kind, int(kilobytes), limited == "1")
    if options.hostile:
        return hostile(options.sizes)
    rng = random.Random(SEED)

    seeds = synthetic_seeds(options.people, rng)
    started = time.perf_counter()
    watchlist = parse_watchlist(seeds)
    parsed = time.perf_counter()
    detector = MentionDetector(watchlist)
    built = time.perf_counter()
    keys = sorted({fold(form.text) for form in watchlist.name_forms()})
    baseline = bare_automaton(keys)
    baseline_built = time.perf_counter()

    articles = synthetic_articles(watchlist, options.mb, rng)
    megabytes = sum(len(article.encode("utf-8")) for article in articles) / 1_000_000

    started_scan, started_scan_cpu = time.perf_counter(), time.process_time()
    hits = 0
    for article in articles:
        for _ in baseline.iter(article.lower()):
            hits += 1
    bare_seconds = time.perf_counter() - started_scan
    bare_cpu = time.process_time() - started_scan_cpu

    started_detect, started_detect_cpu = time.perf_counter(), time.process_time()
    mentions = 0
    for article in articles:
        mentions += len(detector.detect(article, date(2025, 1, 6)))
    detector_seconds = time.perf_counter() - started_detect
    detector_cpu = time.process_time() - started_detect_cpu

    bare_rate, detector_rate = megabytes / bare_seconds, megabytes / detector_seconds
    print(f"watchlist: {len(watchlist.people):,} people, {detector.form_count:,} forms ({len(keys):,} distinct keys)")
    print(f"text: {len(articles):,} articles, {megabytes:.1f} MB")
    print(f"{'step':<34}{'seconds':>10}{'MB/s':>10}{'found':>12}")
    print(f"{'parse seeds':<34}{parsed - started:>10.3f}")
    print(f"{'build detector (one automaton)':<34}{built - parsed:>10.3f}")
    print(f"{'build bare automaton (baseline)':<34}{baseline_built - built:>10.3f}")
    print(f"{'bare pyahocorasick scan':<34}{bare_seconds:>10.3f}{bare_rate:>10.1f}{hits:>12,}")
    print(f"{'full detector':<34}{detector_seconds:>10.3f}{detector_rate:>10.1f}{mentions:>12,}")
    print(f"detector speed / bare scan speed: {detector_rate / bare_rate:.2f}x")
    # CPU seconds are steadier than wall-clock on a shared machine, where other processes take turns.
    print(f"same in CPU seconds: {bare_cpu:.3f} / {detector_cpu:.3f} = {bare_cpu / detector_cpu:.2f}x")


if __name__ == "__main__":
    main()
