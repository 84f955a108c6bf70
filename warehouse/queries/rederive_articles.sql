-- The newest $limit stored articles with text, to re-derive mentions for after a watchlist change: the recent
-- history the report and the alert rules read first. How many there are in all, and the oldest one's time.
with stored as (
    select article_id, text, published_at
    from articles
    where text is not null
),

totals as (
    select count(*) as stored_total, min(published_at) as oldest_at from stored
)

select stored.article_id, stored.text, stored.published_at, totals.stored_total, totals.oldest_at
from stored
cross join totals
order by stored.published_at desc, stored.article_id desc
limit $limit
