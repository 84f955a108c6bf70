-- Lock safety and text retention: which spooled runs were merged, how each run was loaded, when text was dropped.

create table spool_merges (
    spool_id varchar primary key,        -- the spool directory's name: timestamp and run id
    run_id varchar,
    spooled_at timestamptz not null,
    merged_at timestamptz not null,
    rows_merged bigint not null
);

alter table runs add column merged_spools integer default 0;

alter table articles add column text_dropped_at timestamptz;  -- set when retention removed the full text
