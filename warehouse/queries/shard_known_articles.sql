-- The stored articles of a shard's feeds first seen since $since: what the shard judges its entries against
-- (new, revised or known) without reading the warehouse (known_articles is the one-machine run's lookup).
select a.source_id, a.url, a.article_id, a.feed_title, a.revision_count, a.first_seen_at
from articles as a
inner join shard_sources as s on s.source_id = a.source_id
where a.first_seen_at >= cast($since as timestamptz)
