-- feed_health_between(since, until[, dead_after]): every feed's state, with the fetches made by the runs whose clock
-- (runs.as_of) lies in [since, until]: how many, how many failed, the latest outcome and the latest success among them.
-- state, the one classification the view, the report and the alert stage show: 'never-fetched' (no fetch and no
-- stored state); 'dead' once its failures in a row (feed_state, kept by the fetch layer) reach dead_runs (dead_after
-- when the alert stage passes its rule's, else the enabled feed-health rule's stored threshold); 'failing';
-- 'damaged' (working, but its latest document was broken and only its readable entries were taken); 'recovered'
-- (the latest fetch succeeded right after a failure); 'healthy'. Back-off skips and host-requested pauses count
-- neither way; a damaged feed that still yielded entries is a success.
-- hard_failures_in_a_row: the latest failures that look permanent (4xx but 429, DNS, not a feed, refused address,
-- wrong content type, too large, unparseable), since the latest success or transient failure.
create or replace macro feed_health_between(since, until, dead_after := null) as table
with stored_rule as (
    select min(dead_runs) as dead_runs
    from alert_rules
    where kind = 'feed-health' and enabled
),

rule as (
    select coalesce(dead_after, stored_rule.dead_runs) as dead_runs from stored_rule
),

period_runs as (
    select run_id
    from runs
    where as_of >= since
      and as_of <= until
),

run_span as (
    -- A range holding every run id of the period. Run ids begin with their run's time and fetches are stored run
    -- by run, so filtering on this range as well lets DuckDB skip older row groups; the semi join decides.
    select min(run_id) as first_run_id, max(run_id) as last_run_id from period_runs
),

fetches as (
    select
        f.source_id,
        f.started_at,
        f.outcome,
        f.http_status,
        f.error,
        -- The fetch layer's verdict, stored with each fetch; rows from before it was stored use the same rule.
        not coalesce(
            f.failed,
            f.outcome not in ('ok', 'not-modified', 'unchanged')
                and not (f.outcome = 'parse-error' and f.entries_total > 0)
        ) as succeeded,
        f.outcome in ('http-4xx', 'dns', 'not-a-feed', 'refused-unsafe', 'bad-content-type', 'too-large', 'parse-error')
            and coalesce(f.http_status, 0) <> 429
            as hard
    from feed_fetches as f
    semi join period_runs using (run_id)
    where f.outcome not in ('skipped-backoff', 'retry-later')
      and f.run_id >= (select first_run_id from run_span)
      and f.run_id <= (select last_run_id from run_span)
),

summary as (
    select
        source_id,
        count(*) as fetches,
        count(*) filter (where not succeeded) as failures,
        max(started_at) as last_fetch_at,
        max(started_at) filter (where succeeded) as last_success_at,
        -- The newest fetch that ends a run of hard failures: a success or a transient failure.
        max(started_at) filter (where succeeded or not hard) as last_break_at,
        arg_max_null(outcome, started_at) as last_outcome,
        arg_max_null(http_status, started_at) as last_http_status,
        arg_max_null(error, started_at) as last_error,
        arg_max(succeeded, started_at, 2) as newest_two_succeeded
    from fetches
    group by source_id
),

hard_streaks as (
    select fetches.source_id, count(*) as hard_failures_in_a_row
    from fetches
    inner join summary on summary.source_id = fetches.source_id
    where fetches.started_at > coalesce(summary.last_break_at, '-infinity'::timestamptz)
    group by fetches.source_id
),

feeds as (
    select source_id from sources
    union
    select source_id from feed_state
    union
    select source_id from summary
),

final as (
    select
        feeds.source_id,
        coalesce(s.name, feeds.source_id) as outlet,
        s.feed_url,
        case
            when state_row.source_id is null and summary.source_id is null then 'never-fetched'
            when coalesce(state_row.consecutive_failures, 0) >= rule.dead_runs then 'dead'
            when coalesce(state_row.consecutive_failures, 0) > 0 then 'failing'
            when summary.last_outcome = 'parse-error' then 'damaged'
            when coalesce(summary.newest_two_succeeded[1] and not summary.newest_two_succeeded[2], false)
                then 'recovered'
            else 'healthy'
        end as state,
        state_row.failing_since,
        coalesce(state_row.consecutive_failures, 0) as consecutive_failures,
        coalesce(hard_streaks.hard_failures_in_a_row, 0) as hard_failures_in_a_row,
        summary.last_fetch_at,
        summary.last_outcome,
        summary.last_http_status,
        summary.last_error,
        summary.last_success_at,
        case
            when coalesce(state_row.consecutive_failures, 0) = 0
                and summary.newest_two_succeeded[1] and not summary.newest_two_succeeded[2]
                then summary.last_success_at
        end as recovered_at,
        state_row.next_attempt_at,
        coalesce(summary.fetches, 0) as fetches,
        coalesce(summary.failures, 0) as failures,
        rule.dead_runs
    from feeds
    cross join rule
    left join sources as s on s.source_id = feeds.source_id
    left join summary on summary.source_id = feeds.source_id
    left join hard_streaks on hard_streaks.source_id = feeds.source_id
    left join feed_state as state_row on state_row.source_id = feeds.source_id
)

select * from final;

-- feed_health: every feed over all its fetches.
create or replace view feed_health as
select * from feed_health_between('-infinity'::timestamptz, 'infinity'::timestamptz);
