-- Per UTC day, outlet and person: how much of the outlet's coverage of tracked people went to this person
-- (share_of_outlet), and how much of the person's coverage came from this outlet (share_of_person).
create or replace view share_of_voice as
with mentioned as (
    select
        cast(published_at at time zone 'UTC' as date) as day,
        source_id,
        outlet,
        person_id,
        count(distinct article_id) as articles,
        count(*) as mentions
    from base_mentions
    group by all
),

final as (
    select
        mentioned.day,
        mentioned.source_id,
        mentioned.outlet,
        mentioned.person_id,
        coalesce(p.name, mentioned.person_id) as person_name,
        mentioned.articles,
        mentioned.mentions,
        mentioned.mentions / sum(mentioned.mentions) over (partition by mentioned.day, mentioned.source_id)
            as share_of_outlet,
        mentioned.articles / sum(mentioned.articles) over (partition by mentioned.day, mentioned.person_id)
            as share_of_person
    from mentioned
    left join people as p on p.person_id = mentioned.person_id
)

select * from final;
