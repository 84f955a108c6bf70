-- Pairs of tracked people named in the same sentence: distinct stories in the window and in the lookback before.
-- The window's sentences are paired first; the lookback is then read only for the people in those pairs and joined
-- only on those pairs, so the 14 days before cost their mentions of a few people, not a self-join of every sentence.
with window_sentences as (
    select article_id, sentence_index, person_id, story_id
    from base_mentions
    where published_at <= cast($as_of as timestamptz)
      and published_at > cast($window_start as timestamptz)
),

current_pairs as (
    select
        left_side.person_id as person_a,
        right_side.person_id as person_b,
        count(distinct left_side.story_id) as current
    from window_sentences as left_side
    inner join window_sentences as right_side
        on right_side.article_id = left_side.article_id
        and right_side.sentence_index = left_side.sentence_index
        and right_side.person_id > left_side.person_id
    group by all
),

paired_people as (
    select person_a as person_id from current_pairs
    union
    select person_b from current_pairs
),

earlier_sentences as (
    select m.article_id, m.sentence_index, m.person_id, m.story_id
    from base_mentions as m
    semi join paired_people using (person_id)
    where m.published_at <= cast($window_start as timestamptz)
      and m.published_at > cast($lookback_start as timestamptz)
),

earlier_pairs as (
    select
        left_side.person_id as person_a,
        right_side.person_id as person_b,
        count(distinct left_side.story_id) as earlier
    from earlier_sentences as left_side
    inner join earlier_sentences as right_side
        on right_side.article_id = left_side.article_id
        and right_side.sentence_index = left_side.sentence_index
        and right_side.person_id > left_side.person_id
    semi join current_pairs
        on current_pairs.person_a = left_side.person_id and current_pairs.person_b = right_side.person_id
    group by all
),

final as (
    select c.person_a, c.person_b, c.current, coalesce(e.earlier, 0) as earlier
    from current_pairs as c
    left join earlier_pairs as e using (person_a, person_b)
)

select * from final order by person_a, person_b
