-- Entries earlier runs deferred for feeds this run does not monitor ($monitored: the feeds file's source ids): no
-- run takes them up while the feed is out of the file, so the run drops them and says how many.
select source_id, url
from deferred_articles
where not list_contains(cast($monitored as varchar[]), source_id)
order by source_id, url
