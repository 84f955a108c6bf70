"""Keeping `subject_hours` (migration 0021) true through every load: the stories a load touches are counted again.

A story counts in the hour of its first copy naming the subject, so a load changes the hours of the stories whose
copies it adds, re-derives (a revision, a backfill, a watchlist change) or moves to another story (re-clustering).
Before the load writes, those stories' first hours are read; after it, again; the difference is added to the rows
of the hours that changed. Both reads start at the earliest copy of those stories, so a run reads days, not history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

from warehouse import database

KEY = ["subject_kind", "subject", "hour_start"]


@dataclass(frozen=True)
class Recount:
    """The touched stories, the time their copies start from, and their first hours before the load."""

    stories: pl.DataFrame
    reach: datetime
    before: pl.DataFrame


def touched_articles(
    articles: pl.DataFrame, occurrences: list[pl.DataFrame], replaced_ids: tuple[str, ...]
) -> pl.DataFrame:
    """The load's articles with the story each now belongs to, and the other articles whose occurrences it writes
    or replaces."""
    other_ids = pl.concat(
        [frame["article_id"].cast(pl.String) for frame in occurrences if "article_id" in frame.columns]
        + [pl.Series("article_id", list(replaced_ids), pl.String)]
    )
    schema = {"article_id": pl.String(), "story_id": pl.String(), "published_at": pl.Datetime("us", "UTC")}
    loaded = pl.DataFrame(schema=schema)
    if {"article_id", "published_at"} <= set(articles.columns):
        story = pl.col("story_id") if "story_id" in articles.columns else pl.lit(None, pl.String)
        loaded = articles.select(
            pl.col("article_id").cast(pl.String),
            pl.coalesce(story.cast(pl.String), pl.col("article_id").cast(pl.String)).alias("story_id"),
            pl.col("published_at").cast(pl.Datetime("us", "UTC")),
        )
    others = pl.DataFrame({"article_id": other_ids.cast(pl.String)}).unique().join(loaded, on="article_id", how="anti")
    others = others.with_columns(
        pl.lit(None, pl.String).alias("story_id"), pl.lit(None, pl.Datetime("us", "UTC")).alias("published_at")
    )
    return pl.concat([loaded, others])


def begin(con: duckdb.DuckDBPyConnection, touched: pl.DataFrame) -> Recount | None:
    """Before the load writes: the stories it touches and their first hours as stored (None: nothing to count)."""
    if touched.is_empty():
        return None
    con.register("hour_articles", touched.to_arrow())
    stories = database.query_frame(con, "subject_hours_reach")
    con.unregister("hour_articles")
    if stories.is_empty() or stories["reach"][0] is None:
        return None
    reach = stories["reach"][0]
    stories = stories.select("story_id")
    return Recount(stories, reach, firsts(con, stories, reach))


def finish(con: duckdb.DuckDBPyConnection, recount: Recount | None) -> None:
    """After the load wrote: add to each hour the stories that came into it less those that left it."""
    if recount is None:
        return
    after = firsts(con, recount.stories, recount.reach)
    changed = (
        pl.concat([
            after.group_by(KEY).agg(pl.len().cast(pl.Int64).alias("change")),
            recount.before.group_by(KEY).agg((-pl.len().cast(pl.Int64)).alias("change")),
        ])
        .group_by(KEY)
        .agg(pl.col("change").sum())
        .filter(pl.col("change") != 0)
    )  # fmt: skip
    if changed.is_empty():
        return
    con.register("changed_hours", changed.to_arrow())
    con.execute(database.read_sql("subject_hours_apply"))
    con.unregister("changed_hours")


def firsts(con: duckdb.DuckDBPyConnection, stories: pl.DataFrame, reach: datetime) -> pl.DataFrame:
    """Each story's first hour per subject (and for all coverage), read from `reach` on."""
    con.register("subject_stories", stories.to_arrow())
    found = database.query_frame(con, "subject_hours_firsts", {"reach": reach})
    con.unregister("subject_stories")
    return found.select(pl.col("subject_kind").cast(pl.String), pl.col("subject").cast(pl.String),
                        pl.col("hour_start").cast(pl.Datetime("us", "UTC")), "story_id")  # fmt: skip
