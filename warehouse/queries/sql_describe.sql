-- The columns of one table or view (named in $relation, any case) in their order, for `.describe` in `presswatch sql`;
-- meaning is the column's comment (warehouse/sql/column_meanings.csv, applied with the views).
select column_name as "column", data_type as type, is_nullable as nullable, coalesce(comment, '') as meaning
from duckdb_columns()
where database_name = current_database() and schema_name = 'main' and not internal
    and lower(table_name) = lower($relation)
order by column_index
