-- Alert baselines from stored whole hours (issue 28, decision a): per person, topic and hour, the stories whose
-- first copy naming the subject was published in that hour, so the hours of a day add up to its stories. The spike
-- rules read their baseline windows (earlier weeks' same hour, the trailing days) here; the current window is still
-- counted from the articles. Every load keeps the rows of the stories it touches (warehouse/subject_hours.py).
-- subject_kind 'all' (subject 'all') counts every story by its first copy: the rules' all-coverage denominator.

create table subject_hours (
    subject_kind varchar not null,       -- person, topic, or all (every story)
    subject varchar not null,            -- person_id or topic_id; 'all' for every story
    hour_start timestamptz not null,     -- the whole UTC hour [hour_start, hour_start + 1 hour)
    stories bigint not null,             -- stories whose first copy naming the subject was published in the hour
    version bigint not null              -- the load that last changed the row: the snapshot copies newer versions
);

-- Counted from the rows already stored: each story's first copy naming each subject (and its first copy at all).
insert into subject_hours
with story_articles as (
    select article_id, coalesce(story_id, article_id) as story_id, published_at
    from articles
    where published_at is not null
),

occurrences as (
    select 'person' as subject_kind, person_id as subject, article_id, published_at from mentions
    union all
    select 'topic' as subject_kind, topic_id as subject, article_id, published_at from topic_mentions
),

named as (
    -- as the staging views match them: on the article and its time, or on the article alone without the time
    select o.subject_kind, o.subject, a.story_id, a.published_at
    from occurrences as o
    inner join story_articles as a
        on a.article_id = o.article_id and (o.published_at is null or o.published_at = a.published_at)
    union all
    select 'all', 'all', story_id, published_at from story_articles
),

firsts as (
    select subject_kind, subject, story_id, min(published_at) as first_published_at
    from named
    group by all
),

final as (
    select
        subject_kind,
        subject,
        to_timestamp(floor(epoch(first_published_at) / 3600) * 3600) as hour_start,
        count(*) as stories,
        0 as version
    from firsts
    group by all
)

select * from final order by hour_start, subject_kind, subject;
