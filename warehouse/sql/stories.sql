-- stories_between(since, until): one row per story with an article published in [since, until]: when it was first
-- published and first seen, how many outlets and articles carried it, its first headline and link, and the tracked
-- people and topics it names, by name (sorted) and by id (sorted). Counts cover the period's articles only.
create or replace macro stories_between(since, until) as table
with period_articles as (
    select *
    from base_articles
    where published_at >= since
      and published_at <= until
),

carried as (
    select
        story_id,
        min(published_at) as first_published_at,
        max(published_at) as last_published_at,
        min(first_seen_at) as first_seen_at,
        count(distinct source_id) as outlets,
        count(*) as articles,
        -- the first copy's headline and its own link; copies published at the same moment go by article id, so a
        -- headline is never linked to another copy
        arg_min(title, (published_at, article_id)) as headline,
        arg_min(url, (published_at, article_id)) as url,
        list(distinct outlet order by outlet) as outlet_names
    from period_articles
    group by story_id
),

named_people as (
    select
        m.story_id,
        list(distinct coalesce(p.name, m.person_id) order by coalesce(p.name, m.person_id)) as people,
        list(distinct m.person_id order by m.person_id) as person_ids
    from base_mentions as m
    left join people as p on p.person_id = m.person_id
    where m.published_at >= since
      and m.published_at <= until
    group by m.story_id
),

named_topics as (
    select
        t.story_id,
        list(distinct coalesce(topics.name, t.topic_id) order by coalesce(topics.name, t.topic_id)) as topics,
        list(distinct t.topic_id order by t.topic_id) as topic_ids
    from base_topic_mentions as t
    left join topics on topics.topic_id = t.topic_id
    where t.published_at >= since
      and t.published_at <= until
    group by t.story_id
),

final as (
    select
        carried.story_id,
        carried.headline,
        carried.url,
        carried.first_published_at,
        carried.last_published_at,
        carried.first_seen_at,
        carried.outlets,
        carried.articles,
        carried.outlet_names,
        coalesce(named_people.people, []) as people,
        coalesce(named_people.person_ids, []) as person_ids,
        coalesce(named_topics.topics, []) as topics,
        coalesce(named_topics.topic_ids, []) as topic_ids
    from carried
    left join named_people on named_people.story_id = carried.story_id
    left join named_topics on named_topics.story_id = carried.story_id
)

select * from final;

-- stories: every story of the warehouse (syndicated pickup without a hand-written group by).
create or replace view stories as
select * from stories_between('-infinity'::timestamptz, 'infinity'::timestamptz);
