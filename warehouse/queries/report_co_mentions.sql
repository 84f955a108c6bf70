-- Who is named with whom over the report period: one row per ordered pair (both directions), distinct stories and
-- articles naming both. With a --people selection, the rows are the selected people and the columns everyone.
with people_in_articles as (
    select distinct article_id, story_id, person_id
    from base_mentions
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
),

numbered as (
    -- Numbers for the pair grouping: grouping each article pair (800,000 in a week of the 90-day benchmark) on
    -- strings was most of the query's time; numbered, the same rows take 0.37 s instead of 0.65 s.
    select
        article_id,
        dense_rank() over (order by story_id) as story_number,
        dense_rank() over (order by person_id) as person_number,
        person_id
    from people_in_articles
),

names as (
    select distinct person_number, person_id from numbered
),

pairs as (
    select
        first.person_number,
        second.person_number as other_person_number,
        count(distinct first.story_number) as stories,
        count(*) as articles
    from numbered as first
    inner join numbered as second
        on first.article_id = second.article_id
        and first.person_number <> second.person_number
    where is_selected($people, first.person_id)
    group by all
),

final as (
    select
        n.person_id,
        coalesce(p.name, n.person_id) as name,
        o.person_id as other_person_id,
        coalesce(other.name, o.person_id) as other_name,
        pairs.stories,
        pairs.articles
    from pairs
    inner join names as n on n.person_number = pairs.person_number
    inner join names as o on o.person_number = pairs.other_person_number
    left join people as p on p.person_id = n.person_id
    left join people as other on other.person_id = o.person_id
)

select * from final
order by person_id, other_person_id;
