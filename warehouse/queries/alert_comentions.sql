-- Who else the alert's articles name, by distinct stories, leaving out the alert's own subjects. The alert's
-- articles lie in its window, so only that window's mentions are read.
with window_mentions as (
    select person_id, article_id
    from base_mentions
    where published_at > cast($window_start as timestamptz)
      and published_at <= cast($window_end as timestamptz)
),

final as (
    select m.person_id, count(distinct alert_articles.story_id) as stories
    from alert_articles
    inner join window_mentions as m on m.article_id = alert_articles.article_id
    where not list_contains($exclude, m.person_id)
    group by m.person_id
)

select * from final
order by stories desc, person_id
limit 5
