-- Staging: one row per mention of a tracked person, with its article's story, outlet, headline, link and time.
create or replace view base_mentions as
with final as (
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
)

select * from final;
