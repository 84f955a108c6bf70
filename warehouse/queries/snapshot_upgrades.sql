-- Whether the snapshot was made with the migrations and the view files the warehouse has applied (schema_migrations,
-- and view_state's digest of warehouse/sql, database.apply_views). Read before the sync copies those small tables,
-- so an upgrade since the snapshot's last full copy shows here, macros and indexes included, and it is copied whole.
select
    (select list(version order by version) from schema_migrations)
        = (select list(version order by version) from presswatch_snapshot.schema_migrations) as same_migrations,
    (select max(digest) from view_state)
        is not distinct from (select max(digest) from presswatch_snapshot.view_state) as same_views
