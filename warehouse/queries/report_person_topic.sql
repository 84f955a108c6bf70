-- Person x topic over the report period: distinct stories (and articles) naming the person and the topic.
with period_articles as (
    select article_id, coalesce(story_id, article_id) as story_id
    from articles
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
),

people_in_articles as (
    select distinct m.article_id, m.person_id
    from mentions as m
    inner join period_articles as a on a.article_id = m.article_id
    where len(cast($people as varchar[])) = 0 or list_contains(cast($people as varchar[]), m.person_id)
),

topics_in_articles as (
    select distinct t.article_id, t.topic_id
    from topic_mentions as t
    inner join period_articles as a on a.article_id = t.article_id
),

final as (
    select
        p.person_id,
        coalesce(people.name, p.person_id) as name,
        t.topic_id,
        coalesce(topics.name, t.topic_id) as topic,
        count(distinct a.story_id) as stories,
        count(*) as articles
    from people_in_articles as p
    inner join topics_in_articles as t on t.article_id = p.article_id
    inner join period_articles as a on a.article_id = p.article_id
    left join people on people.person_id = p.person_id
    left join topics on topics.topic_id = t.topic_id
    group by all
)

select * from final
order by person_id, topic_id;
