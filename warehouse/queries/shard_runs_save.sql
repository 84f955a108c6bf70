-- The finaliser's record of each shard (incoming_shard_runs), in the load's transaction; a re-run's row replaces.
insert or replace into shard_runs by name select * from incoming_shard_runs
