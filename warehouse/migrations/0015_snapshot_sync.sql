-- The analysts' snapshot is brought up to date by the runs it lacks instead of being copied whole (README
-- "Querying safely while runs are scheduled"). A run's new rows carry its run_id, but deletions do not: a revision
-- or a backfill deletes an article's mentions, topic mentions (and quotes) before inserting the new ones, so the
-- warehouse records which run re-derived which article, and the snapshot deletes the old rows of those articles too.

create table occurrence_replacements (
    run_id varchar not null,             -- the run whose rows replaced the article's earlier occurrences
    article_id varchar not null,
    primary key (run_id, article_id)
);

alter table runs add column publish_s double;  -- seconds the run took to bring the snapshot up to date
