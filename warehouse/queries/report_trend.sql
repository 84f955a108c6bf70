-- Distinct stories per tracked person per UTC hour and UTC day of the report period (quiet ones as zeros), each
-- judged by the alert stage's spike rule for people of that width (spike_scores over alert_rules): the usual level,
-- the expected count at that window's volume with a band of ± 2 Poisson spreads, and whether it is a spike.
with series as (
    select 'hour' as grain, 1 as window_hours, *
    from subject_series('person', 'hour', cast($since as timestamptz), cast($until as timestamptz))
    union all
    select 'day' as grain, 24 as window_hours, *
    from subject_series('person', 'day', cast($since as timestamptz), cast($until as timestamptz))
),

judged as (
    select *
    from spike_scores(
        cast($until as timestamptz),
        cast($since as timestamptz),
        true,
        read_from := cast($read_from as timestamptz),
        subject_kinds := ['person']
    )
    where subject_kind = 'person'
    -- Should two rules judge people at one width, the first by name draws the chart.
    qualify row_number() over (partition by window_hours, subject, window_start order by rule_id) = 1
),

final as (
    select
        series.grain,
        series.subject as person_id,
        series.subject_name as name,
        series.bucket,
        series.stories,
        series.articles,
        round(judged.baseline_stories, 3) as baseline_stories,
        round(greatest(judged.expected_stories - 2 * sqrt(judged.expected_stories), 0), 3) as band_low,
        round(judged.expected_stories + 2 * sqrt(judged.expected_stories), 3) as band_high,
        coalesce(judged.is_spike, false) as is_spike
    from series
    left join judged
        on judged.window_hours = series.window_hours
        and judged.subject = series.subject
        and judged.window_start = series.bucket
    where is_selected($people, series.subject)
    qualify sum(series.stories) over (partition by series.grain, series.subject) > 0
)

select * from final
order by grain, person_id, bucket;
