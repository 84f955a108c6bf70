-- The shards of a run the warehouse already recorded completed or failed: a finalise run again leaves them as they
-- are (a failed shard's staged status is gone once recorded), unless a failed one has since completed.
select shard, status from shard_runs where run_id = $run_id and status in ('completed', 'failed')
