-- The outlets that published the most in the report period: articles, distinct stories, and how many of those
-- articles name a tracked person (with a --people selection, one of the selected people).
with period_articles as (
    select article_id, source_id, outlet, story_id
    from base_articles
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
),

naming as (
    -- Bounded by the period on the mentions' own copy of published_at, so older mentions are skipped unread.
    select distinct article_id
    from base_mentions
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
      and is_selected($people, person_id)
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
order by articles desc, outlet, source_id
limit $limit;
