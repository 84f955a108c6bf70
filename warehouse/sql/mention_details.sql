-- One row per mention of a tracked person, readable on its own: who (name and id), the outlet, the article's
-- headline, link and publication time, its story, and the sentence with the words matched and their kind.
create or replace view mention_details as
with final as (
    select
        m.published_at,
        m.person_id,
        coalesce(p.name, m.person_id) as person_name,
        m.outlet,
        m.title as headline,
        m.url,
        m.snippet as sentence,
        m.matched_text,
        m.kind,
        m.sentence_index,
        m.char_start,
        m.char_end,
        m.source_id,
        m.article_id,
        m.story_id
    from base_mentions as m
    left join people as p on p.person_id = m.person_id
)

select * from final;
