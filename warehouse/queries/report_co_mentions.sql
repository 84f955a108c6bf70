-- Who is named with whom over the report period: one row per ordered pair (both directions), distinct stories and
-- articles naming both. With a --people selection, the rows are the selected people and the columns everyone.
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
),

pairs as (
    select
        first.person_id,
        second.person_id as other_person_id,
        first.article_id
    from people_in_articles as first
    inner join people_in_articles as second
        on first.article_id = second.article_id
        and first.person_id <> second.person_id
    where len(cast($people as varchar[])) = 0 or list_contains(cast($people as varchar[]), first.person_id)
),

final as (
    select
        pairs.person_id,
        coalesce(p.name, pairs.person_id) as name,
        pairs.other_person_id,
        coalesce(other.name, pairs.other_person_id) as other_name,
        count(distinct a.story_id) as stories,
        count(*) as articles
    from pairs
    inner join period_articles as a on a.article_id = pairs.article_id
    left join people as p on p.person_id = pairs.person_id
    left join people as other on other.person_id = pairs.other_person_id
    group by all
)

select * from final
order by person_id, other_person_id;
