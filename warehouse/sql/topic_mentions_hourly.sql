-- Topic coverage per UTC hour: how many articles, stories and term occurrences.
create or replace view topic_mentions_hourly as
with mentioned as (
    select
        t.topic_id,
        date_trunc('hour', a.published_at at time zone 'UTC') as hour,
        t.article_id,
        coalesce(a.story_id, a.article_id) as story_id
    from topic_mentions as t
    inner join articles as a on a.article_id = t.article_id
),

final as (
    select
        topic_id,
        hour,
        count(distinct article_id) as articles,
        count(distinct story_id) as stories,
        count(*) as mentions
    from mentioned
    group by topic_id, hour
)

select * from final;
