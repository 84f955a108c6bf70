-- Pairs of people named in the same sentence of an article (person_a < person_b), with how often.
create or replace view co_mentions_sentence as
with sentences as (
    select distinct article_id, sentence_index, published_at, person_id
    from base_mentions
),

pairs as (
    select
        first.person_id as person_a,
        second.person_id as person_b,
        first.article_id,
        first.published_at
    from sentences as first
    inner join sentences as second
        on first.article_id = second.article_id
        and first.sentence_index = second.sentence_index
        and first.person_id < second.person_id
),

counted as (
    select
        person_a,
        person_b,
        count(*) as sentences,
        count(distinct article_id) as articles,
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
        counted.sentences,
        counted.articles,
        counted.last_published_at
    from counted
    left join people as a_names on a_names.person_id = counted.person_a
    left join people as b_names on b_names.person_id = counted.person_b
)

select * from final;
