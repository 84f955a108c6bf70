-- Distinct stories per tracked subject ($subject_kind 'person' or 'topic') per window; window 0 ends at $as_of,
-- window n ends n widths earlier. Only the windows in $windows are read (windowed_subject_mentions tests them as
-- the tables are scanned), so an hour-of-week baseline does not read every hour of the weeks between.
with final as (
    select subject, "window", count(distinct story_id) as stories
    from windowed_subject_mentions($subject_kind, cast($as_of as timestamptz), $window_hours, $windows, $max_window)
    group by all
)

select * from final order by subject, "window"
