-- Pairs of people named in the same article (person_a < person_b): articles and distinct stories together.
create or replace view co_mentions_article as
with people_in_articles as (
    select distinct article_id, person_id
    from mentions
),

pairs as (
    select
        first.person_id as person_a,
        second.person_id as person_b,
        first.article_id
    from people_in_articles as first
    inner join people_in_articles as second
        on first.article_id = second.article_id
        and first.person_id < second.person_id
),

final as (
    select
        pairs.person_a,
        pairs.person_b,
        count(*) as articles,
        count(distinct coalesce(a.story_id, a.article_id)) as stories,
        max(a.published_at) as last_published_at
    from pairs
    inner join articles as a on a.article_id = pairs.article_id
    group by pairs.person_a, pairs.person_b
)

select * from final;
