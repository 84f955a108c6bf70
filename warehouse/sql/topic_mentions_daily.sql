-- Coverage of each tracked topic per UTC day: articles, distinct stories and term occurrences, with a row of zeros
-- for every quiet day in the data's range. The same count as topic_mentions_hourly at a coarser grain.
create or replace view topic_mentions_daily as
with final as (
    select
        subject as topic_id,
        subject_name as topic_name,
        cast(bucket at time zone 'UTC' as date) as day,
        articles,
        stories,
        mentions
    from subject_series('topic', 'day', '-infinity'::timestamptz, 'infinity'::timestamptz)
)

select * from final;
