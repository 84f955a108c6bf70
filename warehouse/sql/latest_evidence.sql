-- The 10 newest articles naming each person, one evidence sentence each (a full-name mention first).
create or replace view latest_evidence as
with ranked_in_article as (
    select
        m.person_id,
        m.article_id,
        m.sentence_index,
        m.matched_text,
        m.snippet,
        row_number() over (
            partition by m.person_id, m.article_id order by m.kind = 'full' desc, m.char_start
        ) as rank_in_article
    from mentions as m
),

ranked_per_person as (
    select
        r.person_id,
        a.published_at,
        coalesce(s.name, a.source_id) as outlet,
        a.title,
        a.url,
        r.snippet,
        r.matched_text,
        r.sentence_index,
        r.article_id,
        row_number() over (partition by r.person_id order by a.published_at desc, r.article_id) as evidence_rank
    from ranked_in_article as r
    inner join articles as a on a.article_id = r.article_id
    left join sources as s on s.source_id = a.source_id
    where r.rank_in_article = 1
),

final as (
    select
        person_id, evidence_rank, published_at, outlet, title, url, snippet, matched_text, sentence_index, article_id
    from ranked_per_person
    where evidence_rank <= 10
)

select * from final;
