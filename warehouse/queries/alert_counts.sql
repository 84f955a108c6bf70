-- Distinct stories per tracked subject ($subject_kind 'person' or 'topic') per window; window 0 ends at $as_of,
-- window n ends n widths earlier. Only the windows in $windows are kept, so an hour-of-week baseline does not read
-- every hour of history.
with scoped as (
    select
        subject,
        story_id,
        epoch(cast($as_of as timestamptz)) - epoch(published_at) as age_s
    from base_subject_mentions
    where subject_kind = $subject_kind
      and published_at <= cast($as_of as timestamptz)
      and published_at > cast($as_of as timestamptz) - to_seconds($window_hours * 3600 * ($max_window + 1))
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
