-- The entries earlier runs deferred and no load has stored yet: what this run takes up first (transforms/budget.py).
select url, source_id, reason, first_deferred_run, first_deferred_at, guid, title, published_at, summary, language
from deferred_articles
order by first_deferred_at, url
