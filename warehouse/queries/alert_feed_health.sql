-- Each feed's failure streak with its latest fetch outcome and error.
with latest_fetch as (
    select source_id, outcome, error, started_at
    from feed_fetches
    qualify row_number() over (partition by source_id order by started_at desc) = 1
),

final as (
    select
        s.source_id,
        s.consecutive_failures,
        s.failing_since,
        f.outcome as last_outcome,
        f.error as last_error
    from feed_state as s
    left join latest_fetch as f on f.source_id = s.source_id
)

select * from final order by source_id
