-- A sharded run's shards, for the cluster demo's summary: where each ran and what it brought.
select shard, coalesce(worker, '-') as worker, status, coalesce(articles_new, 0) as articles_new,
       coalesce(articles_staged, 0) as articles_staged, seconds
from shard_runs
where run_id = ?
order by shard
