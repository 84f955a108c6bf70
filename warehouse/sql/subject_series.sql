-- data_start(), data_end(): the data's own range, the first article's time to the later of the last article's and
-- the latest completed run's clock. Series never run outside it.
create or replace macro data_start() as (select min(published_at) from articles);

create or replace macro data_end() as greatest(
    (select max(published_at) from articles),
    (select max(as_of) from runs where status = 'completed')
);

-- subject_series(kind, grain, since, until): a gap-free series for every subject of the kind ('person' or 'topic'):
-- articles, distinct stories and mentions in each UTC hour or day (grain 'hour' or 'day') from the one holding
-- `since` to the one holding `until` (counting articles up to `until`), a quiet hour or day being a row of zeros;
-- never before the first article or after the data's end ('-infinity' and 'infinity' give the data's own range).
-- Subjects are everyone tracked plus anyone named in the range (say, a person since taken off the watchlist).
-- The bounds are cast, so '-infinity' or '2025-01-06' typed as plain strings bind (DuckDB 2.0 found them
-- ambiguous). Given as constants, the bounds reach the table scans and DuckDB skips the row groups outside them.
create or replace macro subject_series(kind, grain, since, until) as table
with by_article as (
    -- One row per subject and article. Hours and days are counted in seconds from the epoch (a UTC midnight): the
    -- same UTC buckets as date_trunc, without converting every timestamp to a zone.
    select
        subject,
        to_timestamp(floor(epoch(published_at) / (case grain when 'day' then 86400 else 3600 end))
            * (case grain when 'day' then 86400 else 3600 end)) as bucket,
        article_id,
        story_id,
        count(*) as mentions
    from base_subject_mentions
    where subject_kind = kind
      and published_at >= date_trunc(grain, since::timestamptz at time zone 'UTC') at time zone 'UTC'
      and published_at <= until::timestamptz
    group by all
),

counted as (
    select subject, bucket, count(*) as articles, count(distinct story_id) as stories, sum(mentions) as mentions
    from by_article
    group by subject, bucket
),

bounds as (
    select
        date_trunc(grain, greatest(since::timestamptz, data_start()) at time zone 'UTC') at time zone 'UTC' as first_bucket,
        date_trunc(grain, least(until::timestamptz, data_end()) at time zone 'UTC') at time zone 'UTC' as last_bucket
    where data_start() is not null
),

calendar as (
    select unnest(range(
        first_bucket,
        last_bucket + to_hours(case grain when 'day' then 24 else 1 end),
        to_hours(case grain when 'day' then 24 else 1 end)
    )) as bucket
    from bounds
),

subjects as (
    select subject from base_subjects where subject_kind = kind
    union
    select subject from counted
),

final as (
    select
        subjects.subject,
        coalesce(names.name, subjects.subject) as subject_name,
        calendar.bucket,
        coalesce(counted.articles, 0) as articles,
        coalesce(counted.stories, 0) as stories,
        coalesce(counted.mentions, 0) as mentions
    from calendar
    cross join subjects
    left join counted on counted.subject = subjects.subject and counted.bucket = calendar.bucket
    left join base_subjects as names on names.subject_kind = kind and names.subject = subjects.subject
)

select * from final;
