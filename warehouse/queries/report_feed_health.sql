-- Every feed's state, as the feed_health view classifies it, with the fetches of the report period's runs;
-- troubled feeds first.
select outlet, source_id, state, failing_since, consecutive_failures, last_fetch_at, last_outcome, last_http_status,
    last_error, last_success_at, fetches, failures, dead_runs
from feed_health_between(cast($since as timestamptz), cast($until as timestamptz))
order by state in ('healthy', 'recovered'), state, outlet;
