-- The load's articles that are already stored, and the articles it re-derives (replaced), with the publication
-- time stored for them, which their stored occurrences carry; a re-derived article not stored comes with null.
select load_articles.article_id, articles.published_at, load_articles.replaced
from load_articles
left join articles using (article_id)
where articles.article_id is not null or load_articles.replaced
