-- Pairs of tracked people named in the same sentence: distinct stories in the window and in the lookback before.
-- Both counts are of distinct stories, so a person named twice in one sentence needs no de-duplication first (that
-- grouping of every mention of the 15 days was most of the query's time).
with sentences as (
    select article_id, sentence_index, person_id, story_id, published_at
    from base_mentions
    where published_at <= cast($as_of as timestamptz)
      and published_at > cast($lookback_start as timestamptz)
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
