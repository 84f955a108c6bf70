-- Staging: one row per stored article with what nearly every query needs beside it: its story (an article never
-- clustered is a story of its own) and its outlet's name. Views and named queries read articles through here.
create or replace view base_articles as
with articles_with_outlet as (
    select
        a.article_id,
        a.source_id,
        coalesce(s.name, a.source_id) as outlet,
        coalesce(a.story_id, a.article_id) as story_id,
        a.title,
        a.url,
        a.published_at,
        a.first_seen_at,
        a.run_id
    from articles as a
    left join sources as s on s.source_id = a.source_id
),

final as (
    select * from articles_with_outlet
)

select * from final;
