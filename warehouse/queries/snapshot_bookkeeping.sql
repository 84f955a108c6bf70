-- The snapshot's own bookkeeping (the warehouse has neither table). snapshot_runs: the runs whose rows it holds; a
-- run missing here is copied by the next sync, whatever kept it out (spooled, killed before its publish, a
-- backfill). snapshot_views: the digest of the view and macro files its views were made from.
create table if not exists presswatch_snapshot.snapshot_runs (
    run_id varchar primary key,
    synced_at timestamptz not null
);
create table if not exists presswatch_snapshot.snapshot_views (
    sha256 varchar not null
);
