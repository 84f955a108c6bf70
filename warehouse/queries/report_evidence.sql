-- Per person, the newest articles of the report period that name them, one evidence sentence each (a full-name
-- mention first), as the latest_evidence view picks them but bounded by the period.
with period_articles as (
    select a.article_id, a.published_at, a.title, a.url, coalesce(s.name, a.source_id) as outlet
    from articles as a
    left join sources as s on s.source_id = a.source_id
    where a.published_at >= cast($since as timestamptz)
      and a.published_at <= cast($until as timestamptz)
),

ranked_in_article as (
    select
        m.person_id,
        m.article_id,
        m.snippet,
        m.matched_text,
        row_number() over (
            partition by m.person_id, m.article_id order by m.kind = 'full' desc, m.char_start
        ) as rank_in_article
    from mentions as m
    inner join period_articles as a on a.article_id = m.article_id
    where len(cast($people as varchar[])) = 0 or list_contains(cast($people as varchar[]), m.person_id)
),

ranked_per_person as (
    select
        r.person_id,
        coalesce(p.name, r.person_id) as name,
        a.published_at,
        a.outlet,
        a.title,
        a.url,
        r.snippet,
        r.matched_text,
        row_number() over (partition by r.person_id order by a.published_at desc, r.article_id) as evidence_rank
    from ranked_in_article as r
    inner join period_articles as a on a.article_id = r.article_id
    left join people as p on p.person_id = r.person_id
    where r.rank_in_article = 1
),

final as (
    select person_id, name, evidence_rank, published_at, outlet, title, url, snippet, matched_text
    from ranked_per_person
    where evidence_rank <= $per_person
)

select * from final
order by person_id, evidence_rank;
