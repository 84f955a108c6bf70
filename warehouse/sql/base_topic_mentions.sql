-- Staging: one row per occurrence of a tracked topic's term, with its article's story, outlet, headline, link and
-- time. Joined on the copied published_at as well as the article, like base_mentions, so periods prune both tables.
create or replace view base_topic_mentions as
with stamped as (
    select
        t.article_id,
        t.topic_id,
        t.char_start,
        t.char_end,
        t.matched_text,
        t.sentence_index,
        t.snippet,
        t.run_id,
        a.story_id,
        a.source_id,
        a.outlet,
        a.title,
        a.url,
        a.published_at
    from topic_mentions as t
    inner join base_articles as a on a.article_id = t.article_id and a.published_at = t.published_at
),

unstamped as (
    select
        t.article_id,
        t.topic_id,
        t.char_start,
        t.char_end,
        t.matched_text,
        t.sentence_index,
        t.snippet,
        t.run_id,
        a.story_id,
        a.source_id,
        a.outlet,
        a.title,
        a.url,
        a.published_at
    from topic_mentions as t
    inner join base_articles as a on a.article_id = t.article_id
    where t.published_at is null
),

final as (
    select * from stamped
    union all
    select * from unstamped
)

select * from final;
