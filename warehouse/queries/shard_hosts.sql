-- The stored plan (migration 0020): each host's shard, the shard count it was made for, and whether its shard
-- went missing in the last run (those hosts are taken up first).
select host, shard, shards, weight, missed_run
from shard_hosts
order by host
