-- Distinct stories per tracked subject ($subject_kind 'person' or 'topic') per window. Window 0, the current one,
-- ends at $as_of and is counted live from the articles (windowed_subject_mentions). Windows 1 and on are the
-- baseline's whole hours from subject_hours (each story in the hour of its first copy naming the subject), counted
-- back from the last whole hour at or before $as_of; only the windows in $windows are read.
with current_window as (
    select subject, 0 as "window", count(distinct story_id) as stories
    from windowed_subject_mentions($subject_kind, cast($as_of as timestamptz), $window_hours, [0], 1)
    group by all
),

baseline as (
    select
        subject,
        window_number(hour_of(cast($as_of as timestamptz)), $window_hours, hour_start) as "window",
        cast(sum(stories) as bigint) as stories
    from subject_hours
    where subject_kind = $subject_kind
      and hour_start < hour_of(cast($as_of as timestamptz))
      and hour_start >= hour_of(cast($as_of as timestamptz)) - to_seconds($window_hours * 3600 * ($max_window + 1))
    group by all
),

final as (
    select subject, "window", stories from current_window
    union all
    select subject, "window", stories from baseline
    where "window" > 0 and list_contains($windows, "window") and stories > 0
)

select * from final order by subject, "window"
