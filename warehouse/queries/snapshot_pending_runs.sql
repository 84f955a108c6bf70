-- Runs whose rows the snapshot does not hold yet: runs it has not synced (this one, one that was spooled or killed
-- before its publish, a backfill), and runs whose spooled rows were merged since it last synced.
select run_id
from runs
where run_id not in (select run_id from presswatch_snapshot.snapshot_runs)
union
select run_id
from spool_merges
where run_id is not null
  and spool_id not in (select spool_id from presswatch_snapshot.spool_merges)
