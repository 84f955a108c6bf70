-- watchlist_entries: a fingerprint of each watchlist entry (person, role, topic) as the stored history was last
-- derived with it. Each run compares the seeds' entries with these rows; a new or changed entry has its mentions
-- re-derived over the stored text (bounded per run), so adding a person to people.csv counts in the history the
-- warehouse has, not only in articles fetched from then on. Written only once that re-derivation is done.
create table watchlist_entries (
    kind varchar not null,               -- person, role or topic
    entry_id varchar not null,
    fingerprint varchar not null,        -- sha256 of everything the detectors read for the entry
    run_id varchar not null,             -- the run (or backfill) that derived history with it
    stored_at timestamptz not null,
    primary key (kind, entry_id)
);
