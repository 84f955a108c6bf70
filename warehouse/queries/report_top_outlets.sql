-- The outlets that published the most in the report period: articles, distinct stories, and how many of those
-- articles name a tracked person (with a --people selection, one of the selected people).
with period_articles as (
    select
        a.article_id,
        a.source_id,
        coalesce(s.name, a.source_id) as outlet,
        coalesce(a.story_id, a.article_id) as story_id
    from articles as a
    left join sources as s on s.source_id = a.source_id
    where a.published_at >= cast($since as timestamptz)
      and a.published_at <= cast($until as timestamptz)
),

naming as (
    select distinct m.article_id
    from mentions as m
    inner join period_articles as a on a.article_id = m.article_id
    where len(cast($people as varchar[])) = 0 or list_contains(cast($people as varchar[]), m.person_id)
),

final as (
    select
        a.source_id,
        any_value(a.outlet) as outlet,
        count(*) as articles,
        count(distinct a.story_id) as stories,
        count(naming.article_id) as articles_naming_people
    from period_articles as a
    left join naming on naming.article_id = a.article_id
    group by a.source_id
)

select * from final
order by articles desc, outlet
limit $limit;
