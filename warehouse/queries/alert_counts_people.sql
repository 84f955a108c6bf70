-- Distinct stories per tracked person per window; window 0 ends at $as_of, window n ends n widths earlier.
-- Only the windows in $windows are kept, so an hour-of-week baseline does not read every hour of history.
with scoped as (
    select
        m.person_id as subject,
        coalesce(a.story_id, a.article_id) as story_id,
        epoch(cast($as_of as timestamptz)) - epoch(a.published_at) as age_s
    from mentions as m
    inner join articles as a on a.article_id = m.article_id
    where a.published_at <= cast($as_of as timestamptz)
      and a.published_at > cast($as_of as timestamptz) - to_seconds($window_hours * 3600 * ($max_window + 1))
),

windowed as (
    select subject, story_id, cast(greatest(ceil(age_s / ($window_hours * 3600)) - 1, 0) as bigint) as "window"
    from scoped
),

final as (
    select subject, "window", count(distinct story_id) as stories
    from windowed
    where list_contains($windows, "window")
    group by all
)

select * from final order by subject, "window"
