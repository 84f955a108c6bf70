-- Title and text of the stored articles a run checks its new articles against: a few per new article, by the row
-- ids recent_stories gave in the same connection (a lookup by article_id scans a whole row group's ids).
select article_id, title, text
from articles
where rowid in (select unnest(cast($stored_rows as bigint[])))
  and text is not null
