-- The hosts of a shard that did not finish: the next plan takes them up first.
update shard_hosts set missed_run = $run_id where shard = $shard
