-- Which topics each person is covered with: articles (and distinct stories) naming the person and the topic.
create or replace view person_topic as
with people_in_articles as (
    select distinct article_id, story_id, person_id
    from base_mentions
),

topics_in_articles as (
    select distinct article_id, topic_id
    from base_topic_mentions
),

final as (
    select
        p.person_id,
        coalesce(people.name, p.person_id) as person_name,
        t.topic_id,
        coalesce(topics.name, t.topic_id) as topic_name,
        count(*) as articles,
        count(distinct p.story_id) as stories
    from people_in_articles as p
    inner join topics_in_articles as t on t.article_id = p.article_id
    left join people on people.person_id = p.person_id
    left join topics on topics.topic_id = t.topic_id
    group by all
)

select * from final;
