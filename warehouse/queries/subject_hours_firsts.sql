-- The hour of each touched story's first copy (subject_stories) naming each subject, and of its first copy at all
-- (subject_kind 'all'), reading only articles and occurrences published from $reach on: what subject_hours
-- counts for those stories. Matched as base_subject_mentions matches them.
with story_articles as (
    select article_id, story_id, published_at
    from base_articles
    where published_at >= cast($reach as timestamptz)
      and story_id in (select story_id from subject_stories)
),

named as (
    select o.subject_kind, o.subject, a.story_id, a.published_at
    from subject_occurrences(
        null, cast($reach as timestamptz) - interval 1 second, cast('infinity' as timestamptz)
    ) as o
    inner join story_articles as a on a.article_id = o.article_id and a.published_at = o.published_at
    union all
    select o.subject_kind, o.subject, a.story_id, a.published_at
    from unstamped_subject_occurrences(null) as o
    inner join story_articles as a on a.article_id = o.article_id
    union all
    select 'all' as subject_kind, 'all' as subject, story_id, published_at
    from story_articles
),

final as (
    select subject_kind, subject, story_id, hour_of(min(published_at)) as hour_start
    from named
    group by subject_kind, subject, story_id
)

select * from final
