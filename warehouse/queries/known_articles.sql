-- Which of this run's entry URLs are already stored, with what we know of them.
select a.url, a.article_id, a.feed_title, a.revision_count, a.first_seen_at
from articles as a
inner join candidate_urls as c on c.url = a.url
