-- Pairs of people named in the same article (person_a < person_b): articles and distinct stories together.
create or replace view co_mentions_article as
with people_in_articles as (
    select distinct article_id, person_id
    from base_mentions
),

pairs as (
    -- Paired on narrow rows; the article's story and time are joined to the pairs.
    select
        first.person_id as person_a,
        second.person_id as person_b,
        a.article_id,
        a.story_id,
        a.published_at
    from people_in_articles as first
    inner join people_in_articles as second
        on first.article_id = second.article_id
        and first.person_id < second.person_id
    inner join base_articles as a on a.article_id = first.article_id
),

counted as (
    select
        person_a,
        person_b,
        count(*) as articles,
        count(distinct story_id) as stories,
        max(published_at) as last_published_at
    from pairs
    group by person_a, person_b
),

final as (
    select
        counted.person_a,
        coalesce(a_names.name, counted.person_a) as person_a_name,
        counted.person_b,
        coalesce(b_names.name, counted.person_b) as person_b_name,
        counted.articles,
        counted.stories,
        counted.last_published_at
    from counted
    left join people as a_names on a_names.person_id = counted.person_a
    left join people as b_names on b_names.person_id = counted.person_b
)

select * from final;
