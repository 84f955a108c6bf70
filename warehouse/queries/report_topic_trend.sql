-- Distinct stories and articles per tracked topic per UTC day of the report period, quiet days as zeros, for the
-- topics named at least once in the period.
with period as (
    select
        cast($since as timestamptz) as since,
        cast($until as timestamptz) as until
),

days as (
    select unnest(range(
        date_trunc('day', since at time zone 'UTC'),
        date_trunc('day', until at time zone 'UTC') + interval 1 day,
        interval 1 day
    )) as day
    from period
),

counted as (
    -- Bounds as constants (not the period CTE's columns) reach the scans of both tables, so older rows are skipped.
    select
        topic_id,
        date_trunc('day', published_at at time zone 'UTC') as day,
        count(distinct story_id) as stories,
        count(distinct article_id) as articles
    from base_topic_mentions
    where published_at >= cast($since as timestamptz)
      and published_at <= cast($until as timestamptz)
    group by all
),

named_topics as (
    select distinct counted.topic_id, coalesce(topics.name, counted.topic_id) as topic
    from counted
    left join topics on topics.topic_id = counted.topic_id
),

final as (
    select
        named_topics.topic_id,
        named_topics.topic,
        days.day at time zone 'UTC' as day,
        coalesce(counted.stories, 0) as stories,
        coalesce(counted.articles, 0) as articles
    from named_topics
    cross join days
    left join counted on counted.topic_id = named_topics.topic_id and counted.day = days.day
)

select * from final
order by topic_id, day;
