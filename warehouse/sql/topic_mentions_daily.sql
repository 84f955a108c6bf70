-- Topic coverage per UTC day: how many articles, stories and term occurrences.
create or replace view topic_mentions_daily as
with final as (
    select subject as topic_id, cast(bucket as date) as day, articles, stories, mentions
    from subject_counts('topic', 'day')
)

select * from final;
