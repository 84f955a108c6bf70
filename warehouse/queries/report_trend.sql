-- Distinct stories per tracked person per UTC hour and UTC day of the report period, each against a trailing
-- baseline (the previous 24 hours or 7 days, counted from the first stored article on): the expected count, a band
-- of expected ± 2 Poisson spreads, and whether the window is a spike by the alert rule's thresholds.
with grains as (
    select *
    from (values ('hour', 1, 24, 3), ('day', 24, 7, 5))
        as grain_rows (grain, window_hours, trailing_windows, min_stories)
),

period as (
    select
        cast($since as timestamptz) at time zone 'UTC' as since,
        cast($until as timestamptz) at time zone 'UTC' as until,
        (select min(published_at) from base_articles) at time zone 'UTC' as first_published
),

selected_people as (
    select person_id, name
    from people
    where is_selected($people, person_id)
),

buckets as (
    -- Every window of the period and the trailing windows before it, so quiet windows count as zero.
    select
        grains.grain,
        grains.window_hours,
        grains.min_stories,
        unnest(range(
            date_trunc(
                grains.grain,
                greatest(period.since - to_hours(grains.window_hours * grains.trailing_windows), period.first_published)
            ),
            date_trunc(grains.grain, period.until) + to_hours(grains.window_hours),
            to_hours(grains.window_hours)
        )) as bucket
    from grains, period
),

counted as (
    select
        grains.grain,
        m.person_id,
        date_trunc(grains.grain, m.published_at at time zone 'UTC') as bucket,
        count(distinct m.story_id) as stories,
        count(distinct m.article_id) as articles
    from base_mentions as m
    cross join grains
    cross join period
    where m.published_at at time zone 'UTC' <= period.until
      and m.published_at at time zone 'UTC' >= period.since - to_hours(grains.window_hours * grains.trailing_windows)
    group by all
),

grid as (
    select
        buckets.grain,
        buckets.window_hours,
        buckets.min_stories,
        buckets.bucket,
        p.person_id,
        p.name,
        coalesce(counted.stories, 0) as stories,
        coalesce(counted.articles, 0) as articles
    from buckets
    cross join selected_people as p
    left join counted
        on counted.grain = buckets.grain
        and counted.bucket = buckets.bucket
        and counted.person_id = p.person_id
),

baselined as (
    select
        *,
        case
            when grain = 'hour' then avg(stories) over trailing_hours
            else avg(stories) over trailing_days
        end as baseline_stories
    from grid
    window
        trailing_hours as (partition by grain, person_id order by bucket rows between 24 preceding and 1 preceding),
        trailing_days as (partition by grain, person_id order by bucket rows between 7 preceding and 1 preceding)
),

expected as (
    select
        baselined.*,
        -- No expected count before there is a baseline (greatest() would skip the null).
        case when baselined.baseline_stories is not null then greatest(baselined.baseline_stories, 0.5) end
            as expected_stories
    from baselined, period
    -- Only windows that overlap the period; the earlier ones were there to feed the baseline.
    where baselined.bucket + to_hours(baselined.window_hours) > period.since
),

final as (
    select
        grain,
        person_id,
        name,
        bucket,
        stories,
        articles,
        round(baseline_stories, 3) as baseline_stories,
        round(case when expected_stories is not null then greatest(expected_stories - 2 * sqrt(expected_stories), 0) end, 3)
            as band_low,
        round(expected_stories + 2 * sqrt(expected_stories), 3) as band_high,
        coalesce(
            stories >= min_stories
            and stories / expected_stories >= 2
            and (stories - expected_stories) / sqrt(expected_stories) >= 2,
            false
        ) as is_spike
    from expected
    qualify sum(stories) over (partition by grain, person_id) > 0
)

select * from final
order by grain, person_id, bucket;
