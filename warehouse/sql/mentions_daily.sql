-- Mentions of each tracked person per UTC day, counted by occurrence, article and distinct story.
create or replace view mentions_daily as
with mentioned as (
    select
        m.person_id,
        date_trunc('day', a.published_at at time zone 'UTC') as day,
        m.article_id,
        coalesce(a.story_id, a.article_id) as story_id
    from mentions as m
    inner join articles as a on a.article_id = m.article_id
),

final as (
    select
        person_id,
        cast(day as date) as day,
        count(distinct article_id) as articles,
        count(distinct story_id) as stories,
        count(*) as mentions
    from mentioned
    group by person_id, day
)

select * from final;
