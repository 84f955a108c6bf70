-- Per outlet and person over the report period: the person's share of the outlet's mentions of tracked people
-- (computed over everyone tracked, so a --people selection does not inflate it) and the articles naming them.
with mentioned as (
    select
        source_id,
        outlet,
        person_id,
        count(distinct article_id) as articles,
        count(*) as mentions
    from base_mentions
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
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
        shared.outlet,
        shared.person_id,
        coalesce(p.name, shared.person_id) as name,
        shared.articles,
        shared.mentions,
        round(shared.share_of_outlet, 4) as share_of_outlet
    from shared
    left join people as p on p.person_id = shared.person_id
    where is_selected($people, shared.person_id)
)

select * from final
order by outlet, source_id, mentions desc, person_id;
