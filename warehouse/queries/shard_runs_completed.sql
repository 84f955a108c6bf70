-- The shards of a run the warehouse already recorded completed: a finalise run again leaves them as they are.
select shard from shard_runs where run_id = $run_id and status = 'completed'
