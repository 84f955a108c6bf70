-- Per feed: healthy, failing (since when), dead (5 hard failures in a row), recovered (latest fetch succeeded
-- right after a failure) or never-fetched. Skipped back-off attempts and host-requested pauses are neither success
-- nor failure, and a malformed feed that still yielded entries counts as a success.
create or replace view feed_health as
with classified as (
    select
        source_id,
        started_at,
        outcome,
        http_status,
        error,
        -- The fetch layer's verdict, stored with each fetch; rows from before it was stored use the same rule.
        not coalesce(
            failed,
            outcome not in ('ok', 'not-modified', 'unchanged') and not (outcome = 'parse-error' and entries_total > 0)
        ) as succeeded,
        outcome in ('http-4xx', 'dns', 'not-a-feed', 'refused-unsafe', 'bad-content-type', 'too-large', 'parse-error')
            and coalesce(http_status, 0) <> 429
            as hard
    from feed_fetches
    where outcome not in ('skipped-backoff', 'retry-later')
),

ordered as (
    select
        *,
        -- Fetches since the latest success (or since the latest soft failure, for the hard-failure streak).
        count(*) filter (where succeeded) over newest_first as successes_after,
        count(*) filter (where succeeded or not hard) over newest_first as breaks_after,
        row_number() over (partition by source_id order by started_at desc) as recency,
        lead(succeeded) over (partition by source_id order by started_at desc) as previous_succeeded
    from classified
    window newest_first as (
        partition by source_id order by started_at desc rows between unbounded preceding and 1 preceding
    )
),

summary as (
    select
        source_id,
        count(*) as fetches,
        count(*) filter (where not succeeded) as failures,
        count(*) filter (where not succeeded and successes_after = 0) as consecutive_failures,
        min(started_at) filter (where not succeeded and successes_after = 0) as failing_since,
        count(*) filter (where not succeeded and hard and breaks_after = 0) as hard_failures_in_a_row,
        max(started_at) filter (where succeeded) as last_success_at,
        max(started_at) as last_fetch_at,
        any_value(outcome) filter (where recency = 1) as last_outcome,
        any_value(http_status) filter (where recency = 1) as last_http_status,
        any_value(error) filter (where recency = 1) as last_error,
        coalesce(bool_or(succeeded and previous_succeeded = false) filter (where recency = 1), false)
            as recovered_now
    from ordered
    group by source_id
),

feeds as (
    select source_id from sources
    union
    select source_id from feed_fetches
),

final as (
    select
        feeds.source_id,
        coalesce(s.name, feeds.source_id) as outlet,
        s.feed_url,
        case
            when summary.source_id is null then 'never-fetched'
            when summary.hard_failures_in_a_row >= 5 then 'dead'
            when summary.consecutive_failures > 0 then 'failing'
            when summary.recovered_now then 'recovered'
            else 'healthy'
        end as state,
        summary.failing_since,
        coalesce(summary.consecutive_failures, 0) as consecutive_failures,
        coalesce(summary.hard_failures_in_a_row, 0) as hard_failures_in_a_row,
        summary.last_fetch_at,
        summary.last_outcome,
        summary.last_http_status,
        summary.last_error,
        summary.last_success_at,
        case when summary.recovered_now then summary.last_success_at end as recovered_at,
        state_row.next_attempt_at,
        coalesce(summary.fetches, 0) as fetches,
        coalesce(summary.failures, 0) as failures
    from feeds
    left join sources as s on s.source_id = feeds.source_id
    left join summary on summary.source_id = feeds.source_id
    left join feed_state as state_row on state_row.source_id = feeds.source_id
)

select * from final;
