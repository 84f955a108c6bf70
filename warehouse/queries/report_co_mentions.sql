-- Who is named with whom over the report period: one row per ordered pair (both directions), distinct stories and
-- articles naming both. With a --people selection, the rows are the selected people and the columns everyone.
with people_in_articles as (
    select distinct article_id, story_id, person_id
    from base_mentions
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
),

pairs as (
    select
        first.person_id,
        second.person_id as other_person_id,
        first.article_id,
        first.story_id
    from people_in_articles as first
    inner join people_in_articles as second
        on first.article_id = second.article_id
        and first.person_id <> second.person_id
    where is_selected($people, first.person_id)
),

final as (
    select
        pairs.person_id,
        coalesce(p.name, pairs.person_id) as name,
        pairs.other_person_id,
        coalesce(other.name, pairs.other_person_id) as other_name,
        count(distinct pairs.story_id) as stories,
        count(*) as articles
    from pairs
    left join people as p on p.person_id = pairs.person_id
    left join people as other on other.person_id = pairs.other_person_id
    group by all
)

select * from final
order by person_id, other_person_id;
