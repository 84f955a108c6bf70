-- subject_series(kind, grain, since, until): a gap-free series for every subject of the kind ('person' or 'topic'):
-- articles, distinct stories and mentions in each UTC hour or day (grain 'hour' or 'day') from the one holding
-- `since` to the one holding `until`, a quiet hour or day being a row of zeros. A null bound means the data's own
-- range: from the first article to the later of the last article and the latest completed run's clock. Subjects
-- are everyone tracked plus anyone named in the range (say, a person since taken off the watchlist).
create or replace macro subject_series(kind, grain, since, until) as table
with counted as (
    select
        subject,
        date_trunc(grain, published_at at time zone 'UTC') as bucket,
        count(distinct article_id) as articles,
        count(distinct story_id) as stories,
        count(*) as mentions
    from base_subject_mentions
    where subject_kind = kind
      -- The bounds are written out here, not read from a CTE, so DuckDB can push them into the table scans.
      and published_at >= date_trunc(grain, coalesce(since, (select min(published_at) from articles))
          at time zone 'UTC') at time zone 'UTC'
      and published_at <= coalesce(
          until,
          greatest(
              (select max(published_at) from articles),
              (select max(as_of) from runs where status = 'completed')
          )
      )
    group by all
),

calendar as (
    select unnest(range(
        date_trunc(grain, coalesce(since, (select min(published_at) from articles)) at time zone 'UTC'),
        date_trunc(
            grain,
            coalesce(
                until,
                greatest(
                    (select max(published_at) from articles),
                    (select max(as_of) from runs where status = 'completed')
                )
            ) at time zone 'UTC'
        ) + to_hours(case grain when 'day' then 24 else 1 end),
        to_hours(case grain when 'day' then 24 else 1 end)
    )) as bucket
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
        calendar.bucket at time zone 'UTC' as bucket,
        coalesce(counted.articles, 0) as articles,
        coalesce(counted.stories, 0) as stories,
        coalesce(counted.mentions, 0) as mentions
    from calendar
    cross join subjects
    left join counted on counted.subject = subjects.subject and counted.bucket = calendar.bucket
    left join base_subjects as names on names.subject_kind = kind and names.subject = subjects.subject
)

select * from final;
