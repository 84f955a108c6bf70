-- Who else each alert's articles name, by distinct stories, leaving out the alert's own subjects: its top five. The
-- lists are read side by side (one alert per position). An alert's articles lie in its window, so only the windows'
-- mentions are read, bounded by the earliest start and the latest end.
with requests as (
    select
        unnest(cast($alert_ids as varchar[])) as alert_id,
        unnest(cast($window_starts as timestamptz[])) as window_start,
        unnest(cast($window_ends as timestamptz[])) as window_end,
        unnest(cast($exclusions as varchar[][])) as exclude
),

window_mentions as (
    select person_id, article_id, published_at
    from base_mentions
    where published_at > list_min(cast($window_starts as timestamptz[]))
      and published_at <= list_max(cast($window_ends as timestamptz[]))
),

counted as (
    select alert_articles.alert_id, m.person_id, count(distinct alert_articles.story_id) as stories
    from alert_articles
    inner join requests as r on r.alert_id = alert_articles.alert_id
    inner join window_mentions as m
        on m.article_id = alert_articles.article_id
        and m.published_at > r.window_start
        and m.published_at <= r.window_end
    where not list_contains(r.exclude, m.person_id)
    group by alert_articles.alert_id, m.person_id
),

final as (
    select *
    from counted
    qualify row_number() over (partition by alert_id order by stories desc, person_id) <= 5
)

select * from final
order by alert_id, stories desc, person_id
