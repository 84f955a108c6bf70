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
    select
        t.topic_id,
        date_trunc('day', a.published_at at time zone 'UTC') as day,
        count(distinct coalesce(a.story_id, a.article_id)) as stories,
        count(distinct a.article_id) as articles
    from topic_mentions as t
    inner join articles as a on a.article_id = t.article_id
    cross join period
    where a.published_at >= period.since
      and a.published_at <= period.until
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
