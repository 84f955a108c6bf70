-- latest_evidence_between(since, until): per person, the articles published in [since, until] that name them,
-- newest first (evidence_rank 1 = newest), with one evidence sentence each: a full-name mention first, then the
-- earliest in the text.
create or replace macro latest_evidence_between(since, until) as table
with best_in_article as (
    -- Narrow rows through the window; the article's headline and link are joined to the few rows kept.
    select person_id, article_id, published_at, snippet, matched_text, sentence_index
    from base_mentions
    where published_at >= since
      and published_at <= until
    qualify row_number() over (partition by person_id, article_id order by kind = 'full' desc, char_start) = 1
),

ranked_per_person as (
    select
        *,
        row_number() over (partition by person_id order by published_at desc, article_id) as evidence_rank
    from best_in_article
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
    from ranked_per_person as r
    inner join base_articles as a on a.article_id = r.article_id and a.published_at = r.published_at
    left join people as p on p.person_id = r.person_id
    where a.published_at >= since
      and a.published_at <= until
)

select * from final;

-- latest_evidence: the 10 newest articles naming each person over all history, one evidence sentence each.
create or replace view latest_evidence as
select *
from latest_evidence_between('-infinity'::timestamptz, 'infinity'::timestamptz)
where evidence_rank <= 10;
