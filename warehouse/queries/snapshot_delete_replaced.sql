-- Rows of articles a pending run re-derived, deleted from {target} (a snapshot table): the occurrences, and the
-- article's earlier row when the run stored it again (the tables have no key to replace it: migration 0016). Found
-- through the publication time they carry, the snapshot's stored article's, so only that time's row groups are
-- read. An article stored again without being recorded as re-derived would be held twice: check_counts then sends
-- the run to a full copy.
delete from {target} as stored
using replaced_articles as replaced
where stored.article_id = replaced.article_id
  and stored.published_at is not distinct from replaced.published_at
