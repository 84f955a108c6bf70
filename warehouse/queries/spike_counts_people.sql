-- Distinct stories per tracked person per window; window 0 ends at $as_of, window n ends n widths earlier.
with scoped as (
    select
        m.person_id as subject,
        coalesce(a.story_id, a.article_id) as story_id,
        epoch(cast($as_of as timestamptz)) - epoch(a.published_at) as age_s
    from mentions as m
    inner join articles as a on a.article_id = m.article_id
    where a.published_at <= cast($as_of as timestamptz)
),

final as (
    select
        subject,
        cast(greatest(ceil(age_s / ($window_hours * 3600)) - 1, 0) as bigint) as "window",
        count(distinct story_id) as stories
    from scoped
    where age_s < $window_hours * 3600 * ($baseline_windows + 1)
    group by all
)

select * from final order by subject, "window"
