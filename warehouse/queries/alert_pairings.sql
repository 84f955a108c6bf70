-- Pairs of tracked people named in the same sentence: distinct stories in the window and in the lookback before.
with sentences as (
    select distinct
        m.article_id,
        m.sentence_index,
        m.person_id,
        coalesce(a.story_id, a.article_id) as story_id,
        a.published_at
    from mentions as m
    inner join articles as a on a.article_id = m.article_id
    where a.published_at <= cast($as_of as timestamptz)
      and a.published_at > cast($lookback_start as timestamptz)
),

pairs as (
    select
        left_side.person_id as person_a,
        right_side.person_id as person_b,
        left_side.story_id,
        left_side.published_at > cast($window_start as timestamptz) as in_window
    from sentences as left_side
    inner join sentences as right_side
        on right_side.article_id = left_side.article_id
        and right_side.sentence_index = left_side.sentence_index
        and right_side.person_id > left_side.person_id
),

final as (
    select
        person_a,
        person_b,
        count(distinct story_id) filter (where in_window) as current,
        count(distinct story_id) filter (where not in_window) as earlier
    from pairs
    group by all
)

select * from final where current > 0 order by person_a, person_b
