-- The warehouse contract analysts rely on. Natural keys are primary keys so loads can upsert.

create table sources (
    source_id varchar primary key,
    name varchar not null,
    feed_url varchar not null,
    respect_robots boolean not null default true,
    updated_at timestamptz not null
);

create table people (
    person_id varchar primary key,
    name varchar not null,
    updated_at timestamptz not null
);

create table topics (
    topic_id varchar primary key,
    name varchar not null,
    updated_at timestamptz not null
);

create table runs (
    run_id varchar primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,             -- running, completed, failed
    mode varchar not null,               -- live, demo, backfill
    as_of timestamptz not null,          -- the clock alerts were evaluated against
    feeds_total integer,
    feeds_failed integer,
    entries_seen integer,
    articles_new integer,
    articles_failed integer,
    mentions_new integer,
    topic_mentions_new integer,
    alerts_fired integer,
    load_method varchar,                 -- direct, or spooled when the database was locked
    error varchar
);

create table feed_fetches (
    run_id varchar not null,
    source_id varchar not null,
    started_at timestamptz not null,
    duration_s double,
    http_status integer,
    outcome varchar not null,
    entries_total integer not null default 0,
    entries_new integer not null default 0,
    size_bytes bigint,
    error varchar,
    primary key (run_id, source_id)
);

create table feed_state (
    source_id varchar primary key,
    etag varchar,
    last_modified varchar,
    body_sha256 varchar,
    validators_trusted boolean not null default true,
    consecutive_failures integer not null default 0,
    failing_since timestamptz,
    next_attempt_at timestamptz,
    last_full_fetch_at timestamptz,
    last_success_at timestamptz,
    updated_at timestamptz not null
);

create table articles (
    article_id varchar primary key,      -- derived from the canonical URL
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
    run_id varchar not null
);

create table mentions (
    article_id varchar not null,
    person_id varchar not null,
    char_start integer not null,
    char_end integer not null,
    matched_text varchar not null,
    kind varchar not null,
    sentence_index integer not null,
    snippet varchar not null,
    run_id varchar not null,
    primary key (article_id, person_id, char_start)
);

create table topic_mentions (
    article_id varchar not null,
    topic_id varchar not null,
    char_start integer not null,
    char_end integer not null,
    matched_text varchar not null,
    sentence_index integer not null,
    snippet varchar not null,
    run_id varchar not null,
    primary key (article_id, topic_id, char_start)
);

create table alerts (
    alert_id varchar primary key,        -- rule, subject and window: the same alert can never be stored twice
    rule varchar not null,
    subject varchar not null,
    window_start timestamptz not null,
    window_end timestamptz not null,
    value double not null,
    baseline double,
    ratio double,
    zscore double,
    details json,
    fired_at timestamptz not null,
    run_id varchar not null,
    status varchar not null,             -- pending, delivered, failed, printed, suppressed
    channel varchar,
    delivered_at timestamptz,
    attempts integer not null default 0,
    last_error varchar
);
