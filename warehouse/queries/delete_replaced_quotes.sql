-- A re-derived article's quotes, found through the publication time they carry (the stored article's), so DuckDB
-- reads only the row groups of that time.
delete from quotes as stored
using replaced_articles as replaced
where stored.article_id = replaced.article_id
  and stored.published_at is not distinct from replaced.published_at
