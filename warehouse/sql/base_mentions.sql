-- Staging: one row per mention of a tracked person, with its article's story, outlet, headline, link and time.
-- A mention carries a copy of its article's published_at (set at load), and the join matches on it too: a filter on
-- published_at then reaches both tables, so a query over one week reads one week of mentions, not all of them.
-- Rows without the copy (inserted by hand, or an article stored after its mentions) are joined on the article alone.
create or replace view base_mentions as
with stamped as (
    select
        m.article_id,
        m.person_id,
        m.char_start,
        m.char_end,
        m.matched_text,
        m.kind,
        m.sentence_index,
        m.snippet,
        m.run_id,
        a.story_id,
        a.source_id,
        a.outlet,
        a.title,
        a.url,
        a.published_at
    from mentions as m
    inner join base_articles as a on a.article_id = m.article_id and a.published_at = m.published_at
),

unstamped as (
    select
        m.article_id,
        m.person_id,
        m.char_start,
        m.char_end,
        m.matched_text,
        m.kind,
        m.sentence_index,
        m.snippet,
        m.run_id,
        a.story_id,
        a.source_id,
        a.outlet,
        a.title,
        a.url,
        a.published_at
    from mentions as m
    inner join base_articles as a on a.article_id = m.article_id
    where m.published_at is null
),

final as (
    select * from stamped
    union all
    select * from unstamped
)

select * from final;
