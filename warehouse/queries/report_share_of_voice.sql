-- Per outlet and person over the report period: the person's share of the outlet's mentions of tracked people
-- (computed over everyone tracked, so a --people selection does not inflate it) and the articles naming them.
with mentioned as (
    select
        a.source_id,
        m.person_id,
        count(distinct m.article_id) as articles,
        count(*) as mentions
    from mentions as m
    inner join articles as a on a.article_id = m.article_id
    where a.published_at >= cast($since as timestamptz)
      and a.published_at <= cast($until as timestamptz)
    group by all
),

shared as (
    select
        *,
        mentions / sum(mentions) over (partition by source_id) as share_of_outlet
    from mentioned
),

final as (
    select
        shared.source_id,
        coalesce(s.name, shared.source_id) as outlet,
        shared.person_id,
        coalesce(p.name, shared.person_id) as name,
        shared.articles,
        shared.mentions,
        round(shared.share_of_outlet, 4) as share_of_outlet
    from shared
    left join sources as s on s.source_id = shared.source_id
    left join people as p on p.person_id = shared.person_id
    where len(cast($people as varchar[])) = 0 or list_contains(cast($people as varchar[]), shared.person_id)
)

select * from final
order by outlet, mentions desc;
