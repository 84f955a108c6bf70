-- The tables (columns and keys) and views that must be identical for the snapshot to be synced in place; macros
-- are compared through the digest of the files that define them (snapshot_views), duckdb_functions() being slow.
-- snapshot_runs and snapshot_views exist only in the snapshot: its own bookkeeping, not part of the warehouse.
select 'table' as kind, table_name as name, sql as definition
from duckdb_tables()
where database_name = $database and table_name not in ('snapshot_runs', 'snapshot_views')
union all
select 'view', view_name, sql
from duckdb_views()
where database_name = $database and not internal
order by kind, name, definition
