-- One rule in every place, and queries over a period that read only that period.
--
-- alert_rules: the rules file as the latest alert stage read it, every default filled in. The spikes and feed_health
-- views and the report judge by these rows, so what they call a spike or a dead feed is what the alerts call one.
--
-- mentions.published_at, topic_mentions.published_at: the article's publication time, copied at load. Joined on it
-- as well as on the article, a filter on the period reaches the occurrence tables too, and DuckDB skips the row
-- groups of older occurrences instead of reading every one ever stored.

create table alert_rules (
    rule_id varchar primary key,
    kind varchar not null,               -- spike, new-pairing, watch-term, feed-health
    subject_kind varchar not null,       -- person, topic, pair, watch, feed
    subjects varchar[],                  -- watch terms: person_id, topic_id
    window_hours integer not null,
    baseline_windows integer not null,
    seasonal_period integer not null,
    seasonal_min_samples integer not null,
    min_history_windows integer not null,
    min_stories integer not null,
    min_ratio double not null,
    min_zscore double not null,
    lookback_days integer not null,
    dead_runs integer not null,
    cooldown_hours double not null,
    escalate_factor double not null,
    enabled boolean not null,
    description varchar,
    stored_at timestamptz not null       -- when an alert stage last read the rules file
);

alter table mentions add column published_at timestamptz;
alter table topic_mentions add column published_at timestamptz;

update mentions
set published_at = articles.published_at
from articles
where articles.article_id = mentions.article_id;

update topic_mentions
set published_at = articles.published_at
from articles
where articles.article_id = topic_mentions.article_id;
