-- The stored publication time of each article the incoming occurrences (mentions or topic mentions) belong to.
select a.article_id, a.published_at
from articles as a
semi join occurrence_articles using (article_id)
