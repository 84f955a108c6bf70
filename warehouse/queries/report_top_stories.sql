-- The most picked-up stories of the report period: distinct outlets per story, its first headline and link,
-- and the tracked people it names. With a --people selection, only stories naming one of them.
with period_articles as (
    select article_id, story_id, source_id, outlet, title, url, published_at
    from base_articles
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
),

story_people as (
    select
        m.story_id,
        list(distinct coalesce(p.name, m.person_id) order by coalesce(p.name, m.person_id)) as people,
        bool_or(is_selected($people, m.person_id)) as selected
    from base_mentions as m
    left join people as p on p.person_id = m.person_id
    where m.published_at >= cast($since as timestamptz)
      and m.published_at <= cast($until as timestamptz)
    group by m.story_id
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
