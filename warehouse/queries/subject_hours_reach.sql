-- The stories a load touches (hour_articles: the load's articles with the story each now belongs to, and the
-- articles whose occurrences it replaces or adds, story null) as stored before the load and as loaded, and the
-- earliest time any copy of them has: their subject_hours rows are counted again reading from that time.
with stored as (
    select a.story_id
    from base_articles as a
    semi join hour_articles using (article_id)
),

touched as (
    select story_id from stored
    union
    select story_id from hour_articles where story_id is not null
),

copies as (
    select a.published_at
    from base_articles as a
    where a.story_id in (select story_id from touched)
    union all
    select published_at from hour_articles where story_id is not null
),

final as (
    select touched.story_id, (select min(published_at) from copies) as reach
    from touched
)

select * from final
