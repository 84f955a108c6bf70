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
        day,
        source_id,
        outlet,
        person_id,
        articles,
        mentions,
        mentions / sum(mentions) over (partition by day, source_id) as share_of_outlet,
        articles / sum(articles) over (partition by day, person_id) as share_of_person
    from mentioned
)

select * from final;
