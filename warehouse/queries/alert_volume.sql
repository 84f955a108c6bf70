-- All coverage per window (distinct stories): the denominator that keeps busy days from firing for everyone.
-- Window 0 is counted live from the articles up to $as_of; the baseline windows from subject_hours' 'all' rows
-- (each story in the hour of its first copy), counted back from the last whole hour at or before $as_of.
with current_window as (
    select 0 as "window", count(distinct story_id) as stories
    from base_articles
    where published_at <= cast($as_of as timestamptz)
      and published_at >= cast($as_of as timestamptz) - to_seconds($window_hours * 3600)
    having count(*) > 0
),

baseline as (
    select
        window_number(hour_of(cast($as_of as timestamptz)), $window_hours, hour_start) as "window",
        cast(sum(stories) as bigint) as stories
    from subject_hours
    where subject_kind = 'all'
      and hour_start < hour_of(cast($as_of as timestamptz))
      and hour_start >= hour_of(cast($as_of as timestamptz)) - to_seconds($window_hours * 3600 * ($max_window + 1))
    group by all
),

final as (
    select "window", stories from current_window
    union all
    select "window", stories from baseline where "window" > 0 and list_contains($windows, "window") and stories > 0
)

select * from final order by "window"
