-- Coverage of each tracked topic per UTC hour (`hour` is the hour's start, with its zone): articles, distinct stories
-- and term occurrences, with a row of zeros for every quiet hour in the data's range.
create or replace view topic_mentions_hourly as
with final as (
    select subject as topic_id, subject_name as topic_name, bucket as hour, articles, stories, mentions
    from subject_series('topic', 'hour', '-infinity'::timestamptz, 'infinity'::timestamptz)
)

select * from final;
