"""The alert rules in effect, stored beside the data: the spikes and feed_health views and the report read them, so
they judge by the numbers the alert stage uses."""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.database import read_sql


def save_alert_rules(con: duckdb.DuckDBPyConnection, rules: pl.DataFrame) -> None:
    """Replace the stored rules with these rows (transforms.alerts.rule_rows), inside the caller's transaction."""
    con.register("incoming_rules", rules.to_arrow())
    con.execute(read_sql("alert_rules_save"))
    con.unregister("incoming_rules")
