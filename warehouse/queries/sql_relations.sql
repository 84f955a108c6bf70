-- The tables and views an analyst can query, for `.tables` in `presswatch sql`; rows is DuckDB's stored count.
-- presswatch's own bookkeeping (internal below) is listed only with `.tables all` ($all).
with internal(name) as (
    values ('schema_migrations'), ('view_state'), ('snapshot_runs'), ('spool_merges'), ('occurrence_replacements'),
        ('watchlist_entries')
),

tables as (
    select table_name as name, 'table' as kind, column_count as columns, estimated_size as rows
    from duckdb_tables()
    where database_name = current_database() and schema_name = 'main' and not internal and not temporary
),

views as (
    select view_name as name, 'view' as kind, column_count as columns, null::bigint as rows
    from duckdb_views()
    where database_name = current_database() and schema_name = 'main' and not internal and not temporary
),

final as (
    select * from tables
    union all
    select * from views
)

select * from final
where $all or name not in (select name from internal)
order by kind, name
