"""The finaliser's settling of staged articles against the whole warehouse (docs/cluster.md, "Same counts").

A shard judges its entries against its own feeds' recently stored articles only (flows/shards.py KNOWN_LOOKBACK),
so an older article a feed lists again, or one stored under another shard's feed, arrives staged as new. The
finaliser holds the warehouse, so it judges those as one machine does (transforms/revisions.py), by URL: the
same headline is a known article (dropped with its occurrences), another headline a revision of the stored one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from flows.stages import stored_by_url
from transforms.revisions import StoredArticle, headline_changed
from warehouse import database

OCCURRENCES = ("mentions", "topic_mentions", "quotes")


@dataclass
class Settled:
    """What settling changed of the shards' counts."""

    known: int = 0  # staged as new, stored with the same headline: not loaded
    revised: int = 0  # staged as new, stored with another headline: loaded as a revision
    failed_known: int = 0  # of the known ones, those whose page failed (one machine never fetched them)


def settle_stored(rows: dict[str, pl.DataFrame], db: Path) -> tuple[dict[str, pl.DataFrame], Settled]:
    """The staged rows with every article staged as new that the warehouse already holds judged as one machine
    judges it; feed_fetches.entries_new no longer counts them."""
    articles = rows["articles"]
    fresh = articles.filter(pl.col("revision_count") == 0) if not articles.is_empty() else articles
    if fresh.is_empty():
        return rows, Settled()
    with database.opened(db, read_only=True) as con:
        con.register("candidate_urls", fresh.select("url").unique().to_arrow())
        stored = database.query_frame(con, "known_articles")
    by_url = stored_by_url(stored)
    known: list[str] = []
    revised: dict[str, StoredArticle] = {}
    for row in fresh.select("article_id", "url", "feed_title").iter_rows(named=True):
        hit = by_url.get(row["url"])
        if hit is None:
            continue
        if headline_changed(row["feed_title"], hit):
            revised[row["article_id"]] = hit
        else:
            known.append(row["article_id"])
    if not known and not revised:
        return rows, Settled()
    settled_ids = [*known, *revised]
    gone = articles.filter(pl.col("article_id").is_in(known))
    result = dict(rows)
    result["articles"] = as_revisions(articles.filter(~pl.col("article_id").is_in(known)), revised)
    for name in OCCURRENCES:
        frame = rows[name]
        if not frame.is_empty():
            result[name] = frame.filter(~pl.col("article_id").is_in(known))
    replaced = articles.filter(pl.col("article_id").is_in(list(revised))).select(
        "article_id", *[name for name in ("staged_run", "shard", "batch") if name in articles.columns]
    )
    result["replaced_articles"] = pl.concat([rows["replaced_articles"], replaced], how="diagonal_relaxed")
    counted = articles.filter(pl.col("article_id").is_in(settled_ids)).select("run_id", "source_id")
    result["feed_fetches"] = fewer_entries_new(rows["feed_fetches"], counted)
    failed = gone.filter(pl.col("extraction_method") == "failed").height if "extraction_method" in gone.columns else 0
    return result, Settled(known=len(known), revised=len(revised), failed_known=failed)


def as_revisions(articles: pl.DataFrame, revised: dict[str, StoredArticle]) -> pl.DataFrame:
    """The revised articles' rows as a revision's: one more revision, the stored first sighting kept."""
    if not revised:
        return articles
    stored = pl.DataFrame(
        {
            "article_id": list(revised),
            "stored_revisions": [item.revision_count for item in revised.values()],
            "stored_first_seen": [item.first_seen_at for item in revised.values()],
        },
        schema_overrides={"stored_first_seen": articles.schema["first_seen_at"]},
    )
    hit = pl.col("stored_revisions").is_not_null()
    return (
        articles.join(stored, on="article_id", how="left")
        .with_columns(
            pl.when(hit).then(pl.col("stored_revisions") + 1).otherwise(pl.col("revision_count"))
            .cast(articles.schema["revision_count"]).alias("revision_count"),
            pl.coalesce("stored_first_seen", "first_seen_at").alias("first_seen_at"),
            pl.when(hit).then(pl.col("extracted_at")).otherwise(pl.col("revised_at"))
            .cast(articles.schema["revised_at"]).alias("revised_at"),
        )
        .drop("stored_revisions", "stored_first_seen")
    )  # fmt: skip


def fewer_entries_new(fetches: pl.DataFrame, counted: pl.DataFrame) -> pl.DataFrame:
    """feed_fetches with entries_new lowered by one per (run_id, source_id) row of `counted`: entries a shard
    counted new that one machine does not (stored already, or another feed's)."""
    if fetches.is_empty() or counted.is_empty():
        return fetches
    tally = counted.group_by("run_id", "source_id").agg(pl.len().alias("counted_twice"))
    return (
        fetches.join(tally, on=["run_id", "source_id"], how="left")
        .with_columns(
            (pl.col("entries_new") - pl.col("counted_twice").fill_null(0)).cast(fetches.schema["entries_new"])
        )
        .drop("counted_twice")
    )
