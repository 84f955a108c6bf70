-- Entries no longer deferred: their article is stored by this load, or a run found it already stored.
delete from deferred_articles where url in (select url from settled_urls)
