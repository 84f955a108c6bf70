-- Mentions of each tracked person per UTC day, counted by occurrence, article and distinct story.
create or replace view mentions_daily as
with final as (
    select subject as person_id, cast(bucket as date) as day, articles, stories, mentions
    from subject_counts('person', 'day')
)

select * from final;
