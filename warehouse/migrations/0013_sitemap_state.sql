-- A feeds.csv row may name a news sitemap, a sitemap index or a robots.txt. For an index, the sitemaps it named
-- that were read last time are kept with their lastmod and validators (a JSON list), so that a 304 for the index
-- still lets the next run read its news sitemap conditionally. Null for feeds and single sitemaps.
alter table feed_state add column sitemaps varchar;
