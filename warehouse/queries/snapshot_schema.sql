-- The tables (columns and keys) and views that must be identical for the snapshot to be synced in place; macros
-- and indexes are compared through the migrations and view files applied (snapshot_upgrades), duckdb_functions()
-- being slow. snapshot_runs exists only in the snapshot: its own bookkeeping, not part of the warehouse. Views are
-- compared by name: DuckDB writes their SQL again from the stored form, which differs between storage formats
-- (`date` in the warehouse, `DATE` in a snapshot in DuckDB 1.4's), and view_state's digest says which files made them.
select 'table' as kind, table_name as name, sql as definition
from duckdb_tables()
where database_name = $database and table_name <> 'snapshot_runs'
union all
select 'view', view_name, null
from duckdb_views()
where database_name = $database and not internal
order by kind, name, definition
