"""`presswatch feeds add|import|export`: the feeds file grown from an outlet's address or another reader's OPML.

Every change is validated by the feeds file's own parser before the file is replaced (atomically), so a command
never leaves a feeds file that would stop the next run.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flows.config import Settings
from transforms.feed_list import append_feed_rows, source_id_for
from transforms.opml import OutlineFeed, is_news_sitemap, parse_opml, write_opml
from transforms.seed_cells import spreadsheet_safe
from transforms.seed_files import FeedRow, decode_seed, parse_feeds_csv
from transforms.unique_ids import UniqueIds
from transforms.watchlist import SeedError

if TYPE_CHECKING:  # flows.adapters.discovery brings the HTTP client, which import and export do not need
    from flows.adapters.discovery import Probe

Ask = Callable[[str], str]


def read_feed_list(path: Path) -> tuple[str, list[FeedRow]]:
    """The feeds file's text and rows; a file that does not exist yet is empty."""
    if not path.exists():
        return "", []
    text = decode_seed(path.read_bytes(), path.name)
    if len([line for line in text.splitlines() if line.strip()]) <= 1:  # empty, or a header waiting for rows
        return text, []
    return text, parse_feeds_csv(text, path.name)


def add_rows(path: Path, text: str, rows: Sequence[FeedRow]) -> None:
    """Append rows, check the whole result with the feeds parser, then replace the file in one rename."""
    updated = append_feed_rows(text, rows)
    parse_feeds_csv(updated, path.name)  # raises SeedError naming the row: nothing is written then
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(updated)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def feeds_add(
    url: str,
    feeds_file: Path,
    *,
    settings: Settings,
    name: str | None = None,
    pick: int | None = None,
    ask: Ask | None = None,
    out: Callable[[str], None] = print,
) -> int:
    """Discover the sources an outlet's address leads to, show them, and append the chosen one."""
    from flows.adapters.discovery import discover

    text, rows = read_feed_list(feeds_file)
    discovery = discover(url, settings=settings.fetch, now=datetime.now(UTC))
    start, candidates = discovery.start, discovery.candidates
    if discovery.not_probed:
        out(discovery.not_probed)
    if not candidates:
        reason = start.fetch.error or start.fetch.outcome
        what = "a web page advertising no feed" if start.kind == "html" else f"{start.kind} ({reason})"
        print(f"presswatch feeds add: no feed or news sitemap found at {url}: {what}", file=sys.stderr)
        return 1
    out(f"Found {len(candidates)} source(s) for {url}:")
    for number, candidate in enumerate(candidates, start=1):
        out(f"  {number}. {describe_probe(candidate.probe)}  ({candidate.found_by})")
    usable = [number for number, candidate in enumerate(candidates, start=1) if candidate.probe.usable]
    if pick is None and not ask and not usable:  # nobody to ask: never add what could not be read
        print(
            f"presswatch feeds add: none of the {len(candidates)} source(s) found could be read (reasons above); "
            "nothing added (add one anyway with --pick N)",
            file=sys.stderr,
        )
        return 1
    if pick is None:
        default = usable[0] if usable else 1
        pick = _ask_number(ask, len(candidates), default) if ask else default
        if pick == 0:
            out("Nothing added.")
            return 0
    if not 1 <= pick <= len(candidates):
        print(f"presswatch feeds add: --pick must be between 1 and {len(candidates)}", file=sys.stderr)
        return 2
    chosen = candidates[pick - 1].probe
    listed = {row.feed_url: row.source_id for row in rows}
    if chosen.url in listed:
        out(f"{chosen.url} is already listed as {listed[chosen.url]} in {feeds_file}; nothing added.")
        return 0
    # Cleaned here as well as on writing, so the line printed below shows the name as the file holds it.
    label = spreadsheet_safe(name or chosen.fetch.title or start.page_name or urlsplit(chosen.url).hostname or "")
    label = label or "feed"
    row = FeedRow(source_id_for(label, UniqueIds(row.source_id for row in rows)), label, chosen.url, True)
    add_rows(feeds_file, text, [row])
    out(f"Added {row.source_id} ({row.name}): {row.feed_url} to {feeds_file}")
    if not chosen.usable:
        out(f"Note: {chosen.url} could not be read now; runs will try it and report it as failing until it answers.")
    return 0


def feeds_import(opml_file: Path, feeds_file: Path, *, out: Callable[[str], None] = print) -> int:
    """Append every feed of an OPML subscription list that the feeds file does not list yet."""
    subscriptions = parse_opml(opml_file.read_bytes())
    if not subscriptions.feeds:
        raise SeedError(opml_file.name, None, f"not a subscription list: {subscriptions.problem}")
    text, rows = read_feed_list(feeds_file)
    listed = {row.feed_url for row in rows}  # an address already listed keeps the id it has here
    ids = UniqueIds(row.source_id for row in rows)
    new: list[FeedRow] = []
    renamed: list[str] = []
    for feed in subscriptions.feeds:
        if feed.feed_url in listed:
            continue
        kept = kept_source_id(feed.source_id, ids)
        source_id = ids.claim(kept) if kept else source_id_for(feed.title, ids)
        if feed.source_id and source_id != feed.source_id:
            renamed.append(f"{feed.source_id} is taken by another feed here; imported as {source_id}")
        row = FeedRow(source_id, feed.title, feed.feed_url, True)
        listed.add(row.feed_url)
        new.append(row)
    if new:
        add_rows(feeds_file, text, new)
    skipped = len(subscriptions.feeds) - len(new)
    out(
        f"Imported {len(new)} feed(s) from {opml_file} into {feeds_file}"
        + (f"; {skipped} already listed" if skipped else "")
        + (". Check them with: presswatch check --online" if new else ".")
    )
    for line in renamed:
        out(f"  {line}")
    return 0


def kept_source_id(source_id: str | None, ids: UniqueIds) -> str | None:
    """The id an exported list carries, when it is a well-formed id not used here for another address."""
    if not source_id or source_id in ids or source_id_for(source_id, UniqueIds()) != source_id:
        return None
    return source_id


def feeds_export(feeds_file: Path, target: Path | None, *, out: Callable[[str], None] = print) -> int:
    """The feeds file as an OPML 2.0 subscription list, to a file or standard output."""
    if not feeds_file.exists():
        raise SeedError(str(feeds_file), None, "feeds file is missing")
    _, rows = read_feed_list(feeds_file)
    feeds = [row for row in rows if not is_news_sitemap(row.feed_url)]
    sitemaps = [row for row in rows if is_news_sitemap(row.feed_url)]
    notes = [
        f"left out {row.source_id} ({row.feed_url}): a news sitemap, which feed readers cannot read" for row in sitemaps
    ]
    outlines = [OutlineFeed(row.name, row.feed_url, row.source_id) for row in feeds]
    document = write_opml(outlines, title="presswatch feeds", notes=notes)
    left_out = (
        f"left out {len(sitemaps)} news sitemap(s) ({', '.join(row.source_id for row in sitemaps)}): "
        "feed readers cannot read sitemaps; they stay in the feeds file"
    )
    if target is None:
        sys.stdout.write(document.decode("utf-8"))
        if sitemaps:
            print(f"presswatch feeds export: {left_out}", file=sys.stderr)
        return 0
    target.write_bytes(document)
    out(f"Exported {len(feeds)} feed(s) to {target}" + (f"; {left_out}" if sitemaps else ""))
    return 0


def describe_probe(probe: Probe) -> str:
    """One line for a probed address: what it is, how many items, the newest item's date, its title."""
    kind = probe.kind
    if probe.fetch.failed or kind not in ("feed", "sitemap", "sitemap-index", "robots"):
        reason = probe.fetch.error or probe.fetch.outcome
        if kind == "html":
            return f"web page      {probe.url}  not a feed"
        return f"{kind:<13} {probe.url}  {probe.fetch.outcome}: {reason}"
    newest = f", newest {probe.newest:%Y-%m-%d %H:%M} UTC" if probe.newest else ""
    title = f'  "{probe.fetch.title}"' if probe.fetch.title else ""
    items = "item(s)" if kind == "feed" else "recent news item(s)"  # a sitemap's are those in the news window
    return f"{kind:<13} {probe.url}  {probe.items} {items}{newest}{title}"


def _ask_number(ask: Ask, count: int, default: int) -> int:
    answer = ask(f"Add which one? [1-{count}, Enter for {default}, 0 for none] ").strip()
    if not answer:
        return default
    try:
        return int(answer)
    except ValueError:
        return -1
