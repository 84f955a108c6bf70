-- Text retention dropped articles' text in the warehouse since the snapshot last synced: drop it there too.
update presswatch_snapshot.articles as published
set text = null, text_dropped_at = stored.text_dropped_at
from articles as stored
where stored.article_id = published.article_id
  and stored.text is null
  and published.text is not null
