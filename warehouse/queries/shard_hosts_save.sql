-- This run's plan replaces the stored one; hosts no longer in the feeds file are forgotten.
delete from shard_hosts;
insert into shard_hosts by name select * from planned_hosts;
