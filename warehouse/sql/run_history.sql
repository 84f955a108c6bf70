-- One row per run, newest first: timing, how it was loaded, and what it stored (rows still carrying its id).
create or replace view run_history as
with stored_articles as (
    select run_id, count(*) as articles_stored from articles group by run_id
),

stored_mentions as (
    select run_id, count(*) as mentions_stored from mentions group by run_id
),

fetches as (
    select
        run_id,
        count(*) as feeds_fetched,
        count(*) filter (where outcome in ('ok', 'not-modified', 'unchanged')) as feeds_ok
    from feed_fetches
    group by run_id
),

final as (
    select
        r.run_id,
        r.started_at,
        r.finished_at,
        epoch(r.finished_at) - epoch(r.started_at) as duration_s,
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
        r.mentions_new,
        r.topic_mentions_new,
        r.alerts_fired,
        coalesce(sa.articles_stored, 0) as articles_stored,
        coalesce(sm.mentions_stored, 0) as mentions_stored,
        r.error
    from runs as r
    left join fetches as f on f.run_id = r.run_id
    left join stored_articles as sa on sa.run_id = r.run_id
    left join stored_mentions as sm on sm.run_id = r.run_id
)

select * from final order by started_at desc;
