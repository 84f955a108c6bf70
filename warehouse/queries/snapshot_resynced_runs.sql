-- Pending runs the snapshot synced before (their spooled rows arrived later): their rows there are replaced.
select run_id
from pending_runs
semi join presswatch_snapshot.snapshot_runs using (run_id)
