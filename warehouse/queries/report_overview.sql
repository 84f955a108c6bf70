-- Headline numbers of the report period: articles, distinct stories, outlets, people and topic mentions.
with period_articles as (
    select article_id, source_id, story_id
    from base_articles
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
),

period_mentions as (
    select person_id
    from base_mentions
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
),

final as (
    select
        count(*) as articles,
        count(distinct story_id) as stories,
        count(distinct source_id) as outlets,
        (select count(*) from period_mentions) as mentions,
        (select count(distinct person_id) from period_mentions) as people_mentioned
    from period_articles
)

select * from final;
