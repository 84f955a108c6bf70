-- Columns of every table and view (or of the one named $relation, any case), for `.describe` and completion.
with columns as (
    select table_name as relation, column_name as "column", data_type as type, is_nullable as nullable, column_index
    from duckdb_columns()
    where database_name = current_database() and schema_name = 'main' and not internal
),

final as (
    select relation, "column", type, nullable
    from columns
    where $relation is null or lower(relation) = lower($relation)
    order by relation, column_index
)

select * from final
