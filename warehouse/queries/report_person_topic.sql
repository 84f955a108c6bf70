-- Person x topic over the report period: distinct stories (and articles) naming the person and the topic.
with people_in_articles as (
    select distinct article_id, story_id, person_id
    from base_mentions
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
      and is_selected($people, person_id)
),

topics_in_articles as (
    select distinct article_id, topic_id
    from base_topic_mentions
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
),

final as (
    select
        p.person_id,
        coalesce(people.name, p.person_id) as name,
        t.topic_id,
        coalesce(topics.name, t.topic_id) as topic,
        count(distinct p.story_id) as stories,
        count(*) as articles
    from people_in_articles as p
    inner join topics_in_articles as t on t.article_id = p.article_id
    left join people on people.person_id = p.person_id
    left join topics on topics.topic_id = t.topic_id
    group by all
)

select * from final
order by person_id, topic_id;
