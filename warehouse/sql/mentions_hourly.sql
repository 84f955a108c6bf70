-- Mentions of each tracked person per UTC hour (`hour` is the hour's start, with its zone): articles, distinct
-- stories and occurrences, with a row of zeros for every quiet hour in the data's range, so a chart needs no filling.
create or replace view mentions_hourly as
with final as (
    select subject as person_id, subject_name as person_name, bucket as hour, articles, stories, mentions
    from subject_series('person', 'hour', '-infinity'::timestamptz, 'infinity'::timestamptz)
)

select * from final;
