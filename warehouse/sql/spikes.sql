-- Who (people and topics) is spiking in the current hour and day, relative to the latest completed run's clock.
-- Window 0 is (as_of - width, as_of]; the baseline is the same hour (or weekday) in up to 4 earlier weeks when
-- the data reaches back 2 weeks, else the trailing 24 hours (or 7 days). Counts are distinct stories; the
-- expected count is the subject's baseline share of all stories times the current window's stories, floored at
-- 0.5, so a busy news hour does not make everyone spike. A spike needs at least min_stories (3 per hour, 5 per
-- day), a ratio of 2 and a z-score (Poisson spread) of 2: the same rule the alerts use.
create or replace view spikes as
with clock as (
    select
        coalesce(
            (select max(as_of) from runs where status = 'completed'),
            (select max(published_at) from base_articles)
        ) as as_of,
        (select min(published_at) from base_articles) as first_published_at
),

grains as (
    select *
    from (values ('hour', 1, 168, 24, 3), ('day', 24, 7, 7, 5))
        as grain_rows (grain, window_hours, weekly_step, trailing_windows, min_stories)
),

candidates as (
    select grain, window_hours, 'same-time-of-week' as baseline_kind, unnest([1, 2, 3, 4]) * weekly_step as window_index
    from grains
    union all
    select grain, window_hours, 'trailing' as baseline_kind, unnest(range(1, trailing_windows + 1)) as window_index
    from grains
),

available as (
    -- A baseline window counts only when the data reaches back to it (it ends after the first article).
    select candidates.*
    from candidates, clock
    where clock.as_of - to_hours(candidates.window_index * candidates.window_hours) > clock.first_published_at
),

chosen_kind as (
    select
        grain,
        case
            when count(*) filter (where baseline_kind = 'same-time-of-week') >= 2 then 'same-time-of-week'
            else 'trailing'
        end as baseline_kind
    from available
    group by grain
),

windows as (
    select grain, 0 as window_index
    from grains
    union all
    select available.grain, available.window_index
    from available
    inner join chosen_kind
        on chosen_kind.grain = available.grain and chosen_kind.baseline_kind = available.baseline_kind
),

placed as (
    select
        grains.grain,
        a.article_id,
        a.story_id,
        cast(greatest(
            ceil((epoch(clock.as_of) - epoch(a.published_at)) / (grains.window_hours * 3600)) - 1, 0
        ) as bigint) as window_index
    from base_articles as a
    cross join clock
    cross join grains
    where a.published_at <= clock.as_of
      and a.published_at > clock.as_of - interval 29 days
),

kept as (
    select placed.*
    from placed
    inner join windows on windows.grain = placed.grain and windows.window_index = placed.window_index
),

volume as (
    select
        grain,
        count(distinct story_id) filter (where window_index = 0) as current_volume,
        count(distinct (window_index, story_id)) filter (where window_index > 0) as baseline_volume
    from kept
    group by grain
),

subject_windows as (
    select kept.grain, m.subject_kind, m.subject, kept.window_index, count(distinct kept.story_id) as stories
    from kept
    inner join base_subject_mentions as m on m.article_id = kept.article_id
    group by all
),

subjects as (
    select
        grain,
        subject_kind,
        subject,
        coalesce(sum(stories) filter (where window_index = 0), 0) as stories,
        coalesce(sum(stories) filter (where window_index > 0), 0) as baseline_total
    from subject_windows
    group by all
),

baseline_sizes as (
    select grain, count(*) - 1 as baseline_windows from windows group by grain
),

expected as (
    select
        subjects.*,
        grains.window_hours,
        grains.min_stories,
        chosen_kind.baseline_kind,
        baseline_sizes.baseline_windows,
        volume.current_volume,
        case
            when volume.baseline_volume > 0
                then greatest(subjects.baseline_total / volume.baseline_volume * volume.current_volume, 0.5)
        end as expected_stories
    from subjects
    inner join grains on grains.grain = subjects.grain
    inner join baseline_sizes on baseline_sizes.grain = subjects.grain
    inner join volume on volume.grain = subjects.grain
    left join chosen_kind on chosen_kind.grain = subjects.grain
),

final as (
    select
        expected.grain,
        expected.subject_kind,
        expected.subject,
        clock.as_of - to_hours(expected.window_hours) as window_start,
        clock.as_of as window_end,
        expected.stories,
        expected.current_volume as all_stories,
        coalesce(expected.baseline_kind, 'none') as baseline_kind,
        expected.baseline_windows,
        round(expected.baseline_total / nullif(expected.baseline_windows, 0), 3) as baseline_stories,
        round(expected.expected_stories, 3) as expected_stories,
        round(expected.stories / expected.expected_stories, 3) as ratio,
        round((expected.stories - expected.expected_stories) / sqrt(expected.expected_stories), 3) as zscore,
        coalesce(
            expected.stories >= expected.min_stories
            and expected.stories / expected.expected_stories >= 2
            and (expected.stories - expected.expected_stories) / sqrt(expected.expected_stories) >= 2,
            false
        ) as is_spike
    from expected, clock
)

select * from final;
