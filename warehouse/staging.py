"""Shard staging: Delta tables (delta-rs) under one URI, a local folder or s3://bucket/prefix, partitioned by shard.

Every row carries its run, shard and batch (staged_run, shard, batch). Writing a batch replaces that batch's
rows (an overwrite restricted to its predicate), so a shard run again on another worker replaces what it staged,
never adds to it. Writers of different shards touch different partitions; a commit that still loses a race is
retried on the table's new version. Delta enforces no keys: which batches the warehouse has loaded is recorded
there (flows/finalise.py). Only the sharded path imports this module (the one-machine run never does).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake
from deltalake.exceptions import CommitFailedError, DeltaError, TableNotFoundError

# staged_run is the run id under another name: a staged table may carry its own run_id column.
KEY_COLUMNS = ("staged_run", "shard", "batch")
COMMIT_ATTEMPTS = 12  # a lost commit race is retried; twelve losses in a row mean something else is wrong
RACE_WAIT_S = 0.05
# Files of loaded batches are removed this long after their delete: a reader of an older version has that long.
VACUUM_AFTER_H = 1


class StagingError(RuntimeError):
    """Staging could not be written or read: one line saying which table and why."""


@dataclass(frozen=True)
class StagingArea:
    """Where a run's shards stage their rows, and the delta-rs storage options to reach it."""

    uri: str
    storage_options: Mapping[str, str] = field(default_factory=dict)

    def table_uri(self, name: str) -> str:
        return f"{self.uri.rstrip('/')}/{name}"

    def options(self) -> dict[str, str] | None:
        return dict(self.storage_options) or None

    def table(self, name: str) -> DeltaTable | None:
        """The staged table, or None when nothing was ever staged under that name."""
        try:
            return DeltaTable(self.table_uri(name), storage_options=self.options())
        except TableNotFoundError:
            return None

    def write_batch(self, name: str, frame: pl.DataFrame, *, run_id: str, shard: int, batch: int) -> int:
        """Replace the rows of (run_id, shard, batch) in `name` by `frame`'s; returns the rows written."""
        keyed = frame.with_columns(
            pl.lit(run_id, dtype=pl.String).alias("staged_run"),
            pl.lit(shard, dtype=pl.Int32).alias("shard"),
            pl.lit(batch, dtype=pl.Int32).alias("batch"),
        )
        self.replace(name, keyed, batch_predicate(run_id, shard, batch))
        return frame.height

    def replace(self, name: str, frame: pl.DataFrame, predicate: str) -> DeltaTable | None:
        """Replace the rows matching `predicate` by `frame` (which must match it), retrying lost commit races; the
        table as it now is comes back when it was open anyway (None: never staged, or just created)."""
        for attempt in range(COMMIT_ATTEMPTS):
            try:
                return self._replace_once(name, frame, predicate)
            except CommitFailedError as error:
                last: Exception = error
            except DeltaError as error:  # two first writers creating the same table: the loser sees it exist
                if "already exists" not in str(error).lower() and "version" not in str(error).lower():
                    raise StagingError(f"staging table {name}: {first_line(error)}") from error
                last = error
            time.sleep(RACE_WAIT_S * (attempt + 1) * random.uniform(0.5, 1.5))
        raise StagingError(
            f"staging table {name}: {COMMIT_ATTEMPTS} commits lost to other writers ({first_line(last)})"
        )

    def _replace_once(self, name: str, frame: pl.DataFrame, predicate: str) -> DeltaTable | None:
        existing = self.table(name)
        if frame.is_empty():
            if existing is not None:
                existing.delete(predicate)  # delta-rs moves `existing` to the version it committed
            return existing
        data = conform(frame, existing)
        if existing is None:
            write_deltalake(
                self.table_uri(name), data, mode="append", partition_by=["shard"], storage_options=self.options()
            )
            return None
        write_deltalake(
            existing, data, mode="overwrite", predicate=predicate, partition_by=["shard"], schema_mode="merge",
            storage_options=self.options(),
        )
        return existing

    def forget(self, name: str, predicate: str, keep_hours: int = VACUUM_AFTER_H) -> None:
        """Delete the rows matching `predicate` and the files no version newer than `keep_hours` needs."""
        table = self.replace(name, pl.DataFrame(), predicate)  # the table the delete left: not read again
        if table is not None:
            table.vacuum(retention_hours=keep_hours, dry_run=False, enforce_retention_duration=False)

    def read(self, name: str, where: Mapping[str, object] | None = None) -> pl.DataFrame:
        """The staged rows whose columns equal `where`'s values (shard partitions pruned), empty when none."""
        table = self.table(name)
        if table is None:
            return pl.DataFrame()
        scanned = table.to_pyarrow_dataset().to_table(filter=arrow_filter(where or {}))
        return pl.DataFrame(scanned)

    def dataset(self, name: str) -> object | None:
        """The staged table as an Arrow dataset, for DuckDB to scan directly; None when never staged."""
        table = self.table(name)
        return None if table is None else table.to_pyarrow_dataset()


def conform(frame: pl.DataFrame, existing: DeltaTable | None) -> pa.Table:
    """The frame as Arrow with types Delta stores: a column no row filled (Null) takes the stored column's type,
    else string, so one batch without values never changes the table's schema."""
    stored: dict[str, pa.DataType] = {}
    if existing is not None:
        schema = pa.schema(existing.schema().to_arrow())
        stored = {item.name: item.type for item in schema}
    casts = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Null:
            casts.append(pl.col(name).cast(pl.String))
    table = frame.with_columns(casts).to_arrow() if casts else frame.to_arrow()
    columns = []
    for index, item in enumerate(table.schema):
        column = table.column(index)
        wanted = stored.get(item.name)
        if wanted is not None and not column.type.equals(wanted):
            # Left as it is when it cannot be cast: the schema merge then says what does not fit.
            with contextlib.suppress(pa.ArrowInvalid, pa.ArrowNotImplementedError):
                column = column.cast(wanted)
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def batch_predicate(run_id: str, shard: int, batch: int) -> str:
    return f"staged_run = {literal(run_id)} AND shard = {int(shard)} AND batch = {int(batch)}"


def shard_predicate(run_id: str, shard: int) -> str:
    return f"staged_run = {literal(run_id)} AND shard = {int(shard)}"


def shards_predicate(run_id: str, shards: Sequence[int]) -> str:
    return f"staged_run = {literal(run_id)} AND shard IN ({', '.join(str(int(shard)) for shard in shards)})"


def run_predicate(run_id: str) -> str:
    return f"staged_run = {literal(run_id)}"


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def arrow_filter(where: Mapping[str, object]) -> object:
    """Column equalities as a pyarrow dataset expression (None: every row)."""
    import pyarrow.dataset as ds

    expression = None
    for column, value in where.items():
        item = ds.field(column) == value
        expression = item if expression is None else expression & item
    return expression


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def local_uri(path: Path) -> str:
    """A local folder as the URI delta-rs takes (created, absolute)."""
    path.mkdir(parents=True, exist_ok=True)
    return str(path.resolve())
