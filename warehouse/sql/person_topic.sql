-- Which topics each person is covered with: articles (and distinct stories) naming the person and the topic.
create or replace view person_topic as
with people_in_articles as (
    select distinct article_id, person_id
    from mentions
),

topics_in_articles as (
    select distinct article_id, topic_id
    from topic_mentions
),

final as (
    select
        p.person_id,
        t.topic_id,
        count(*) as articles,
        count(distinct coalesce(a.story_id, a.article_id)) as stories
    from people_in_articles as p
    inner join topics_in_articles as t on t.article_id = p.article_id
    inner join articles as a on a.article_id = p.article_id
    group by p.person_id, t.topic_id
)

select * from final;
