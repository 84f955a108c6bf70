-- Rows of the articles a run re-derived (replaced_articles: id and the publication time stored for it), deleted from
-- {table}: the warehouse's mentions, topic mentions or quotes before the new ones load, and the same in the
-- analysts' snapshot when it syncs that run (with the article's earlier row when the run stored it again: the tables
-- have no key to replace it, migration 0016). Found through the publication time the rows carry, so DuckDB reads
-- only the row groups of that time. In the snapshot, an article stored again without being recorded as re-derived
-- would be held twice: its count check then sends the run to a full copy.
delete from {table} as stored
using replaced_articles as replaced
where stored.article_id = replaced.article_id
  and stored.published_at is not distinct from replaced.published_at
