-- Whether a fetch counted against its feed is decided once, by the fetch layer, and stored with the fetch, so the
-- run record, the console and feed_health agree. feed_state.last_success_at is dropped: feed_health derives it
-- from feed_fetches, and the stored copy was overwritten with null by every failed fetch.
alter table feed_fetches add column failed boolean;
alter table feed_state drop column last_success_at;
