-- Stored articles to re-derive mentions for, oldest first (text may be gone under a retention setting).
select article_id, text, published_at
from articles
where published_at >= cast($since as timestamptz)
  and text is not null
order by published_at, article_id
