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

counted as (
    select
        p.person_id,
        t.topic_id,
        count(*) as articles,
        count(distinct p.story_id) as stories
    from people_in_articles as p
    inner join topics_in_articles as t on t.article_id = p.article_id
    group by p.person_id, t.topic_id
),

final as (
    select
        counted.person_id,
        coalesce(people.name, counted.person_id) as person_name,
        counted.topic_id,
        coalesce(topics.name, counted.topic_id) as topic_name,
        counted.articles,
        counted.stories
    from counted
    left join people on people.person_id = counted.person_id
    left join topics on topics.topic_id = counted.topic_id
)

select * from final;
