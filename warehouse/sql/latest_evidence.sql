-- latest_evidence_between(since, until, per_person): per person, the `per_person` newest articles published in
-- [since, until] that name them (evidence_rank 1 = newest, ties by article id), with one evidence sentence each: a
-- full-name mention first, then the earliest in the text.
create or replace macro latest_evidence_between(since, until, per_person) as table
with named_articles as (
    -- Narrow rows first: the ranking sorts one row per person and article, and only the kept articles' sentences
    -- are compared (ranking every sentence of a week cost 0.28 s at 90 days of synthetic history).
    select distinct person_id, article_id, published_at
    from base_mentions
    where published_at >= since
      and published_at <= until
),

ranked_per_person as (
    select
        *,
        row_number() over (partition by person_id order by published_at desc, article_id) as evidence_rank
    from named_articles
    qualify evidence_rank <= per_person
),

best_in_article as (
    select m.person_id, m.article_id, m.published_at, m.snippet, m.matched_text, m.sentence_index, r.evidence_rank
    from base_mentions as m
    inner join ranked_per_person as r
        on r.person_id = m.person_id and r.article_id = m.article_id and r.published_at = m.published_at
    where m.published_at >= since
      and m.published_at <= until
    qualify row_number() over (partition by m.person_id, m.article_id order by m.kind = 'full' desc, m.char_start) = 1
),

final as (
    select
        r.person_id,
        coalesce(p.name, r.person_id) as person_name,
        r.evidence_rank,
        r.published_at,
        a.outlet,
        a.title,
        a.url,
        r.snippet,
        r.matched_text,
        r.sentence_index,
        r.article_id
    from best_in_article as r
    inner join base_articles as a on a.article_id = r.article_id and a.published_at = r.published_at
    left join people as p on p.person_id = r.person_id
    where a.published_at >= since
      and a.published_at <= until
)

select * from final;

-- latest_evidence: the 10 newest articles naming each person over all history, one evidence sentence each.
create or replace view latest_evidence as
select *
from latest_evidence_between('-infinity'::timestamptz, 'infinity'::timestamptz, 10);
