-- All coverage per window (distinct stories): the denominator that keeps busy days from firing for everyone.
with scoped as (
    select
        story_id,
        epoch(cast($as_of as timestamptz)) - epoch(published_at) as age_s
    from base_articles
    where published_at <= cast($as_of as timestamptz)
      and published_at > cast($as_of as timestamptz) - to_seconds($window_hours * 3600 * ($max_window + 1))
),

windowed as (
    select story_id, cast(greatest(ceil(age_s / ($window_hours * 3600)) - 1, 0) as bigint) as "window"
    from scoped
),

final as (
    select "window", count(distinct story_id) as stories
    from windowed
    where list_contains($windows, "window")
    group by all
)

select * from final order by "window"
