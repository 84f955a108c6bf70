-- The snapshot's own record of the runs whose rows it holds (the warehouse has no such table): a run missing here
-- is copied by the next sync, whatever kept it out (spooled, killed before its publish, a backfill).
create table if not exists presswatch_snapshot.snapshot_runs (
    run_id varchar primary key,
    synced_at timestamptz not null
)
