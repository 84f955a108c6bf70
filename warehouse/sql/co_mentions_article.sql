-- Pairs of people named in the same article (person_a < person_b): articles and distinct stories together.
create or replace view co_mentions_article as
with people_in_articles as (
    select distinct article_id, story_id, published_at, person_id
    from base_mentions
),

pairs as (
    select
        first.person_id as person_a,
        second.person_id as person_b,
        first.article_id,
        first.story_id,
        first.published_at
    from people_in_articles as first
    inner join people_in_articles as second
        on first.article_id = second.article_id
        and first.person_id < second.person_id
),

final as (
    select
        pairs.person_a,
        coalesce(a_names.name, pairs.person_a) as person_a_name,
        pairs.person_b,
        coalesce(b_names.name, pairs.person_b) as person_b_name,
        count(*) as articles,
        count(distinct pairs.story_id) as stories,
        max(pairs.published_at) as last_published_at
    from pairs
    left join people as a_names on a_names.person_id = pairs.person_a
    left join people as b_names on b_names.person_id = pairs.person_b
    group by all
)

select * from final;
