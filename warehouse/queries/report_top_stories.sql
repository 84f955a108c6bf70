-- The most picked-up stories of the report period: distinct outlets per story, its first headline and link,
-- and the tracked people it names. With a --people selection, only stories naming one of them.
with period_articles as (
    select
        a.article_id,
        coalesce(a.story_id, a.article_id) as story_id,
        a.source_id,
        coalesce(s.name, a.source_id) as outlet,
        a.title,
        a.url,
        a.published_at
    from articles as a
    left join sources as s on s.source_id = a.source_id
    where a.published_at >= cast($since as timestamptz)
      and a.published_at <= cast($until as timestamptz)
),

story_people as (
    select
        a.story_id,
        list(distinct coalesce(p.name, m.person_id) order by coalesce(p.name, m.person_id)) as people,
        bool_or(len(cast($people as varchar[])) = 0 or list_contains(cast($people as varchar[]), m.person_id))
            as selected
    from period_articles as a
    inner join mentions as m on m.article_id = a.article_id
    left join people as p on p.person_id = m.person_id
    group by a.story_id
),

stories as (
    select
        story_id,
        count(distinct source_id) as outlets,
        count(*) as articles,
        min(published_at) as first_published_at,
        max(published_at) as last_published_at,
        arg_min(title, published_at) as title,
        arg_min(url, published_at) as url,
        list(distinct outlet order by outlet) as outlet_names
    from period_articles
    group by story_id
),

final as (
    select
        stories.story_id,
        stories.title,
        stories.url,
        stories.outlets,
        stories.articles,
        stories.first_published_at,
        stories.last_published_at,
        stories.outlet_names,
        story_people.people
    from stories
    inner join story_people on story_people.story_id = stories.story_id
    where story_people.selected
)

select * from final
order by outlets desc, articles desc, first_published_at desc
limit $limit;
