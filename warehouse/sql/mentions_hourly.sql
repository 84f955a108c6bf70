-- Mentions of each tracked person per UTC hour, counted by occurrence, article and distinct story.
create or replace view mentions_hourly as
with final as (
    select subject as person_id, bucket as hour, articles, stories, mentions
    from subject_counts('person', 'hour')
)

select * from final;
