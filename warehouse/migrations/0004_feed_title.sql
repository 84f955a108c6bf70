-- The headline the feed gave, kept apart from the page's own title: outlets title pages differently from feed
-- items, and only a change in the feed's headline means the story was revised.
alter table articles add column feed_title varchar;
