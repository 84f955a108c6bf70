-- The staged batches (run, shard, batch) the warehouse has loaded: the finaliser loads only the others.
select run_id, shard, batch from staged_loads
