-- Title and text of the stored articles a run checks its new articles against: a few per new article, by id. The
-- time bound lets DuckDB skip the row groups of older history.
select article_id, title, text
from articles
where article_id in (select unnest(cast($article_ids as varchar[])))
  and published_at >= cast($since as timestamptz)
