-- All coverage per window (distinct stories), the denominator that keeps busy days from firing for everyone.
with scoped as (
    select
        coalesce(story_id, article_id) as story_id,
        epoch(cast($as_of as timestamptz)) - epoch(published_at) as age_s
    from articles
    where published_at <= cast($as_of as timestamptz)
),

final as (
    select
        cast(greatest(ceil(age_s / ($window_hours * 3600)) - 1, 0) as bigint) as "window",
        count(distinct story_id) as stories
    from scoped
    where age_s < $window_hours * 3600 * ($baseline_windows + 1)
    group by all
)

select * from final order by "window"
