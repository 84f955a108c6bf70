-- Mentions of each tracked person per UTC hour, counted by occurrence, article and distinct story.
create or replace view mentions_hourly as
with mentioned as (
    select
        m.person_id,
        date_trunc('hour', a.published_at at time zone 'UTC') as hour,
        m.article_id,
        coalesce(a.story_id, a.article_id) as story_id
    from mentions as m
    inner join articles as a on a.article_id = m.article_id
),

final as (
    select
        person_id,
        hour,
        count(distinct article_id) as articles,
        count(distinct story_id) as stories,
        count(*) as mentions
    from mentioned
    group by person_id, hour
)

select * from final;
