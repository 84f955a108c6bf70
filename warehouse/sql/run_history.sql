-- run_history_between(since, until): one row per run whose clock (as_of) lies in [since, until]: timing, how it was
-- loaded, its fetches, and what it stored (rows still carrying its id). Only those runs' rows are counted.
create or replace macro run_history_between(since, until) as table
with period_runs as (
    select *
    from runs
    where as_of >= since
      and as_of <= until
),

run_span as (
    -- A range holding every run id of the period. Run ids begin with their run's time and rows are stored run by
    -- run, so filtering on this range as well lets DuckDB skip older row groups; the semi joins decide.
    select min(run_id) as first_run_id, max(run_id) as last_run_id from period_runs
),

stored_articles as (
    select run_id, count(*) as articles_stored
    from articles
    semi join period_runs using (run_id)
    where run_id >= (select first_run_id from run_span) and run_id <= (select last_run_id from run_span)
    group by run_id
),

stored_mentions as (
    select run_id, count(*) as mentions_stored
    from mentions
    semi join period_runs using (run_id)
    where run_id >= (select first_run_id from run_span) and run_id <= (select last_run_id from run_span)
    group by run_id
),

fetches as (
    select
        run_id,
        count(*) as feeds_fetched,
        count(*) filter (where outcome in ('ok', 'not-modified', 'unchanged')) as feeds_ok
    from feed_fetches
    semi join period_runs using (run_id)
    where run_id >= (select first_run_id from run_span) and run_id <= (select last_run_id from run_span)
    group by run_id
),

final as (
    select
        r.run_id,
        r.started_at,
        r.finished_at,
        round(epoch(r.finished_at) - epoch(r.started_at), 2) as duration_s,  -- seconds; hundredths are plenty
        r.status,
        r.mode,
        r.as_of,
        r.load_method,
        coalesce(r.merged_spools, 0) as merged_spools,
        r.feeds_total,
        coalesce(f.feeds_fetched, 0) as feeds_fetched,
        coalesce(f.feeds_ok, 0) as feeds_ok,
        r.feeds_failed,
        r.entries_seen,
        r.articles_new,
        r.articles_failed,
        r.articles_deferred,
        r.mentions_new,
        r.topic_mentions_new,
        r.alerts_fired,
        coalesce(sa.articles_stored, 0) as articles_stored,
        coalesce(sm.mentions_stored, 0) as mentions_stored,
        r.error
    from period_runs as r
    left join fetches as f on f.run_id = r.run_id
    left join stored_articles as sa on sa.run_id = r.run_id
    left join stored_mentions as sm on sm.run_id = r.run_id
)

select * from final;

-- run_history: every run, newest first.
create or replace view run_history as
select * from run_history_between('-infinity'::timestamptz, 'infinity'::timestamptz)
order by started_at desc;
