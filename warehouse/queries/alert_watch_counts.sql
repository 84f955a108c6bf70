-- Distinct stories per window naming both a person and a topic (anywhere in the same article).
with scope as (
    select * from base_subject_mentions
    where published_at <= cast($as_of as timestamptz)
      and published_at > cast($as_of as timestamptz) - to_seconds($window_hours * 3600 * ($max_window + 1))
),

both_named as (
    select distinct
        person.story_id,
        epoch(cast($as_of as timestamptz)) - epoch(person.published_at) as age_s
    from scope as person
    inner join scope as topic on topic.article_id = person.article_id
    where person.subject_kind = 'person' and person.subject = $person_id
      and topic.subject_kind = 'topic' and topic.subject = $topic_id
),

final as (
    select
        cast(greatest(ceil(age_s / ($window_hours * 3600)) - 1, 0) as bigint) as "window",
        count(distinct story_id) as stories
    from both_named
    group by all
)

select * from final order by "window"
