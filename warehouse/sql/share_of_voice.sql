-- Per UTC day, outlet and person: how much of the outlet's coverage of tracked people went to this person
-- (share_of_outlet), and how much of the person's coverage came from this outlet (share_of_person).
create or replace view share_of_voice as
with mentioned as (
    select
        cast(date_trunc('day', a.published_at at time zone 'UTC') as date) as day,
        a.source_id,
        m.person_id,
        count(distinct m.article_id) as articles,
        count(*) as mentions
    from mentions as m
    inner join articles as a on a.article_id = m.article_id
    group by all
),

final as (
    select
        mentioned.day,
        mentioned.source_id,
        coalesce(s.name, mentioned.source_id) as outlet,
        mentioned.person_id,
        mentioned.articles,
        mentioned.mentions,
        mentioned.mentions / sum(mentioned.mentions) over (partition by mentioned.day, mentioned.source_id)
            as share_of_outlet,
        mentioned.articles / sum(mentioned.articles) over (partition by mentioned.day, mentioned.person_id)
            as share_of_person
    from mentioned
    left join sources as s on s.source_id = mentioned.source_id
)

select * from final;
