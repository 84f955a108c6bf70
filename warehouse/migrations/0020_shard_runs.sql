-- Sharded runs (issue 26, docs/cluster.md). Shards stage their rows in Delta tables; the finaliser is the only
-- writer of this file. These tables record, per run, what each shard did, which staged batches the warehouse has
-- loaded (Delta enforces no keys: loading a batch once is the loader's job), and which shard holds each host.

create table shard_runs (
    run_id varchar not null,
    shard integer not null,
    worker varchar,                      -- the machine (or process) that ran the shard, as it said
    status varchar not null,             -- completed, missing (no finished status by the deadline) or failed
    started_at timestamptz,
    finished_at timestamptz,
    seconds double,                      -- the shard's own work, from its start to its staged status
    feeds integer,
    entries_seen integer,
    articles_new integer,
    articles_staged integer,
    batches integer,
    error varchar,
    primary key (run_id, shard)
);

create table staged_loads (
    run_id varchar not null,
    shard integer not null,
    batch integer not null,
    rows_loaded integer not null,
    loaded_at timestamptz not null,
    primary key (run_id, shard, batch)
);

-- The stored plan: a host keeps its shard while the shard count stays the same.
create table shard_hosts (
    host varchar primary key,
    shard integer not null,
    shards integer not null,             -- the shard count the assignment was made for
    weight double not null,              -- what the host weighed when assigned (feeds, recent articles)
    run_id varchar not null,             -- the run that last planned it
    missed_run varchar                   -- set when its shard went missing: the next run takes its hosts up first
);
