-- Every table and view with its columns, for completion at the `presswatch sql` prompt.
select table_name as relation, column_name as "column"
from duckdb_columns()
where database_name = current_database() and schema_name = 'main' and not internal
order by relation, column_index
