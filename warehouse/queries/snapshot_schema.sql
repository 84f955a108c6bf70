-- What must be identical for the snapshot to be synced in place: tables (columns and keys), views, macros, indexes.
-- snapshot_runs exists only in the snapshot: it is its watermark, not part of the warehouse.
select 'table' as kind, table_name as name, sql as definition
from duckdb_tables()
where database_name = $database and table_name <> 'snapshot_runs'
union all
select 'view', view_name, sql
from duckdb_views()
where database_name = $database and not internal
union all
select 'macro', function_name, cast(parameters as varchar) || ' ' || coalesce(macro_definition, '')
from duckdb_functions()
where database_name = $database and function_type in ('macro', 'table_macro') and not internal
union all
select 'index', index_name, sql
from duckdb_indexes()
where database_name = $database
order by kind, name, definition
