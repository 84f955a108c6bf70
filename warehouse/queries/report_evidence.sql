-- Per person, the newest articles of the report period that name them, one evidence sentence each (a full-name
-- mention first), as the latest_evidence view picks them but bounded by the period.
with ranked_in_article as (
    select
        *,
        row_number() over (partition by person_id, article_id order by kind = 'full' desc, char_start)
            as rank_in_article
    from base_mentions
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
      and is_selected($people, person_id)
),

ranked_per_person as (
    select
        r.person_id,
        coalesce(p.name, r.person_id) as name,
        r.published_at,
        r.outlet,
        r.title,
        r.url,
        r.snippet,
        r.matched_text,
        row_number() over (partition by r.person_id order by r.published_at desc, r.article_id) as evidence_rank
    from ranked_in_article as r
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
