-- A run's work is bounded (issue 24): at most PRESSWATCH_MAX_NEW_PER_FEED new articles per feed per run, and no page
-- request after PRESSWATCH_RUN_DEADLINE_S. The entries a run leaves are recorded here with what a later run needs
-- to fetch them (the feed may no longer list them, or may answer 304), and the next runs take them up first, the
-- oldest deferral first (transforms/budget.py). The load that stores an entry's article deletes its row.

create table deferred_articles (
    url varchar primary key,             -- the entry's canonical link, as articles.url will hold it
    source_id varchar not null,
    reason varchar not null,             -- cap (over the per-feed cap) or deadline (not reached in time), as last deferred
    first_deferred_run varchar not null,
    first_deferred_at timestamptz not null,
    guid varchar,
    title varchar,                       -- the feed's headline, as a revision is judged by
    published_at timestamptz,            -- the entry's date, null when the feed gave none
    summary varchar,
    language varchar
);

-- How many entries the run left deferred (its own and earlier runs' it did not reach).
alter table runs add column articles_deferred integer;
