-- Headline numbers of the report period: articles, distinct stories, outlets, people and topic mentions.
with period_articles as (
    select article_id, source_id, coalesce(story_id, article_id) as story_id
    from articles
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
),

final as (
    select
        count(*) as articles,
        count(distinct story_id) as stories,
        count(distinct source_id) as outlets,
        (select count(*) from mentions where article_id in (select article_id from period_articles)) as mentions,
        (select count(distinct person_id) from mentions where article_id in (select article_id from period_articles))
            as people_mentioned
    from period_articles
)

select * from final;
