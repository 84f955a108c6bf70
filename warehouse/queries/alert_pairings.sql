-- Pairs of tracked people named in the same sentence: distinct stories in the window and in the lookback before.
-- Only mentions that may share their sentence are read (shares_sentence, set at load, migration 0022), so the window
-- and the 14 days before cost the sentences that pair people, not every mention. A row inserted by hand has no mark:
-- its sentence's other rows are read too. Each side meets its article as base_mentions matches them: on its copy of
-- the article's time, or without one.
with unmarked as (
    select distinct article_id, sentence_index
    from mentions
    where shares_sentence is null
),

sentences as (
    select article_id, sentence_index, person_id, published_at
    from mentions
    where shares_sentence
      and published_at <= cast($as_of as timestamptz)
      and published_at > cast($lookback_start as timestamptz)
    union all
    select article_id, sentence_index, person_id, published_at
    from mentions
    where shares_sentence and published_at is null
    union all
    -- every row of a sentence holding an unmarked one, whatever its own mark (a marked row is counted above)
    select m.article_id, m.sentence_index, m.person_id, m.published_at
    from mentions as m
    semi join unmarked using (article_id, sentence_index)
    where m.shares_sentence is not true
),

pairs as (
    select
        left_side.person_id as person_a,
        right_side.person_id as person_b,
        a.story_id,
        a.published_at > cast($window_start as timestamptz) as in_window
    from sentences as left_side
    inner join sentences as right_side
        on right_side.article_id = left_side.article_id
        and right_side.sentence_index = left_side.sentence_index
        and right_side.person_id > left_side.person_id
    inner join base_articles as a
        on a.article_id = left_side.article_id
        and (left_side.published_at is null or left_side.published_at = a.published_at)
        and (right_side.published_at is null or right_side.published_at = a.published_at)
    where a.published_at <= cast($as_of as timestamptz)
      and a.published_at > cast($lookback_start as timestamptz)
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
