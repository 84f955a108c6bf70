-- The 10 newest articles naming each person, one evidence sentence each (a full-name mention first).
create or replace view latest_evidence as
with ranked_in_article as (
    select
        *,
        row_number() over (partition by person_id, article_id order by kind = 'full' desc, char_start)
            as rank_in_article
    from base_mentions
),

ranked_per_person as (
    select
        person_id,
        published_at,
        outlet,
        title,
        url,
        snippet,
        matched_text,
        sentence_index,
        article_id,
        row_number() over (partition by person_id order by published_at desc, article_id) as evidence_rank
    from ranked_in_article
    where rank_in_article = 1
),

final as (
    select
        person_id, evidence_rank, published_at, outlet, title, url, snippet, matched_text, sentence_index, article_id
    from ranked_per_person
    where evidence_rank <= 10
)

select * from final;
