-- latest_evidence_between(since, until): per person, the articles published in [since, until] that name them,
-- newest first (evidence_rank 1 = newest), with one evidence sentence each: a full-name mention first, then the
-- earliest in the text.
create or replace macro latest_evidence_between(since, until) as table
with ranked_in_article as (
    select
        *,
        row_number() over (partition by person_id, article_id order by kind = 'full' desc, char_start)
            as rank_in_article
    from base_mentions
    where published_at >= since
      and published_at <= until
),

ranked_per_person as (
    select
        r.person_id,
        coalesce(p.name, r.person_id) as person_name,
        row_number() over (partition by r.person_id order by r.published_at desc, r.article_id) as evidence_rank,
        r.published_at,
        r.outlet,
        r.title,
        r.url,
        r.snippet,
        r.matched_text,
        r.sentence_index,
        r.article_id
    from ranked_in_article as r
    left join people as p on p.person_id = r.person_id
    where r.rank_in_article = 1
),

final as (
    select * from ranked_per_person
)

select * from final;

-- latest_evidence: the 10 newest articles naming each person over all history, one evidence sentence each.
create or replace view latest_evidence as
select *
from latest_evidence_between('-infinity'::timestamptz, 'infinity'::timestamptz)
where evidence_rank <= 10;
