-- Distinct stories per window naming both a person and a topic (anywhere in the same article).
with both_named as (
    select distinct
        coalesce(a.story_id, a.article_id) as story_id,
        epoch(cast($as_of as timestamptz)) - epoch(a.published_at) as age_s
    from articles as a
    inner join mentions as m on m.article_id = a.article_id and m.person_id = $person_id
    inner join topic_mentions as t on t.article_id = a.article_id and t.topic_id = $topic_id
    where a.published_at <= cast($as_of as timestamptz)
      and a.published_at > cast($as_of as timestamptz) - to_seconds($window_hours * 3600 * ($max_window + 1))
),

final as (
    select
        cast(greatest(ceil(age_s / ($window_hours * 3600)) - 1, 0) as bigint) as "window",
        count(distinct story_id) as stories
    from both_named
    group by all
)

select * from final order by "window"
