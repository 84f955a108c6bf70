-- Mentions of each tracked person per UTC day: articles, distinct stories and occurrences, with a row of zeros for
-- every quiet day in the data's range. The same count as mentions_hourly at a coarser grain (subject_series).
create or replace view mentions_daily as
with final as (
    select
        subject as person_id,
        subject_name as person_name,
        cast(bucket at time zone 'UTC' as date) as day,
        articles,
        stories,
        mentions
    from subject_series('person', 'day', '-infinity'::timestamptz, 'infinity'::timestamptz)
)

select * from final;
