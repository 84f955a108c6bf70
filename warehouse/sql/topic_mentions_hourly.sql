-- Topic coverage per UTC hour: how many articles, stories and term occurrences.
create or replace view topic_mentions_hourly as
with final as (
    select subject as topic_id, bucket as hour, articles, stories, mentions
    from subject_counts('topic', 'hour')
)

select * from final;
