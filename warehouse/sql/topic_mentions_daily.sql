-- Topic coverage per UTC day: how many articles, stories and term occurrences.
create or replace view topic_mentions_daily as
with mentioned as (
    select
        t.topic_id,
        date_trunc('day', a.published_at at time zone 'UTC') as day,
        t.article_id,
        coalesce(a.story_id, a.article_id) as story_id
    from topic_mentions as t
    inner join articles as a on a.article_id = t.article_id
),

final as (
    select
        topic_id,
        cast(day as date) as day,
        count(distinct article_id) as articles,
        count(distinct story_id) as stories,
        count(*) as mentions
    from mentioned
    group by topic_id, day
)

select * from final;
