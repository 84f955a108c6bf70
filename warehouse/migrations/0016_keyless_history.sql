-- The tables that grow every hour lose their primary keys, and quotes carry their article's publication time.
--
-- DuckDB writes a table's whole key index again at every checkpoint (duckdb/duckdb#24848), so with keys on
-- articles, mentions, topic mentions, quotes and feed fetches each hourly load and each snapshot sync cost more as
-- the history grew (load 0.39 s on 90 days against 0.14 s on an empty warehouse, 2026-12-02). The load keeps each
-- table's natural key unique itself (warehouse/loads.py NATURAL_KEYS: the incoming keys are deleted, then the rows
-- inserted, in one transaction), and occurrences are deleted through their article's publication time, which
-- they carry, so DuckDB reads only the row groups of that time.
--
-- quotes.published_at: copied at load like mentions.published_at (migration 0008), so reads of a period and the
-- load's deletes skip older quotes too. Every occurrence's time is copied again from its article here: the load
-- finds an occurrence's stored copies by that time, so it must be the article's.
--
-- Rows are copied in their stored order: loads append them in time order, which is what lets DuckDB skip row
-- groups by run_id and published_at.

create table articles_keyless (
    article_id varchar not null,         -- derived from the canonical URL; unique (the load keeps it so)
    source_id varchar not null,
    url varchar not null,
    guid varchar,
    title varchar,
    published_at timestamptz not null,
    feed_published_at timestamptz,
    page_published_at timestamptz,
    first_seen_at timestamptz not null,
    fetched_at timestamptz,
    extracted_at timestamptz,
    text varchar,                        -- headline, blank line, body; mention offsets index this
    text_sha256 varchar,
    author varchar,
    site_name varchar,
    language varchar,
    http_status integer,
    fetch_outcome varchar not null,
    extraction_method varchar not null,
    quality varchar not null,
    error varchar,
    story_id varchar,
    revision_count integer not null default 0,
    revised_at timestamptz,
    run_id varchar not null,
    text_dropped_at timestamptz,
    feed_title varchar,
    story_signature blob
);
insert into articles_keyless select * from articles order by rowid;
drop table articles;
alter table articles_keyless rename to articles;

create table mentions_keyless (
    article_id varchar not null,         -- with person_id and char_start: unique (the load keeps it so)
    person_id varchar not null,
    char_start integer not null,
    char_end integer not null,
    matched_text varchar not null,
    kind varchar not null,
    sentence_index integer not null,
    snippet varchar not null,
    run_id varchar not null,
    published_at timestamptz
);
insert into mentions_keyless
select mentions.* replace (coalesce(articles.published_at, mentions.published_at) as published_at)
from mentions
left join articles using (article_id)
order by mentions.rowid;
drop table mentions;
alter table mentions_keyless rename to mentions;

create table topic_mentions_keyless (
    article_id varchar not null,         -- with topic_id and char_start: unique (the load keeps it so)
    topic_id varchar not null,
    char_start integer not null,
    char_end integer not null,
    matched_text varchar not null,
    sentence_index integer not null,
    snippet varchar not null,
    run_id varchar not null,
    published_at timestamptz
);
insert into topic_mentions_keyless
select topic_mentions.* replace (coalesce(articles.published_at, topic_mentions.published_at) as published_at)
from topic_mentions
left join articles using (article_id)
order by topic_mentions.rowid;
drop table topic_mentions;
alter table topic_mentions_keyless rename to topic_mentions;

create table quotes_keyless (
    quote_id varchar not null,           -- from article_id and offsets; unique (the load keeps it so)
    article_id varchar not null,
    person_id varchar,
    quote_text varchar not null,
    char_start integer not null,
    char_end integer not null,
    cue varchar,
    speaker varchar,
    attribution varchar not null,
    sentence_index integer not null,
    quote_key varchar not null,
    run_id varchar not null,
    published_at timestamptz             -- the article's publication time, copied at load
);
insert into quotes_keyless
select quotes.*, articles.published_at
from quotes
left join articles using (article_id)
order by quotes.rowid;
drop table quotes;
alter table quotes_keyless rename to quotes;

create table feed_fetches_keyless (
    run_id varchar not null,             -- with source_id: unique (the load keeps it so)
    source_id varchar not null,
    started_at timestamptz not null,
    duration_s double,
    http_status integer,
    outcome varchar not null,
    entries_total integer not null default 0,
    entries_new integer not null default 0,
    size_bytes bigint,
    error varchar,
    failed boolean
);
insert into feed_fetches_keyless select * from feed_fetches order by rowid;
drop table feed_fetches;
alter table feed_fetches_keyless rename to feed_fetches;
