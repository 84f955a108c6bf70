-- Pairs of people named in the same sentence of an article (person_a < person_b), with how often.
create or replace view co_mentions_sentence as
with sentences as (
    select distinct article_id, sentence_index, person_id
    from mentions
),

pairs as (
    select
        first.person_id as person_a,
        second.person_id as person_b,
        first.article_id,
        first.sentence_index
    from sentences as first
    inner join sentences as second
        on first.article_id = second.article_id
        and first.sentence_index = second.sentence_index
        and first.person_id < second.person_id
),

final as (
    select
        pairs.person_a,
        pairs.person_b,
        count(*) as sentences,
        count(distinct pairs.article_id) as articles,
        max(a.published_at) as last_published_at
    from pairs
    inner join articles as a on a.article_id = pairs.article_id
    group by pairs.person_a, pairs.person_b
)

select * from final;
