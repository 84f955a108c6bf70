-- Every feed's state at the latest fetch, as the feed_health view classifies it; troubled feeds first.
select outlet, source_id, state, failing_since, consecutive_failures, last_fetch_at, last_outcome, last_http_status,
    last_error, last_success_at, fetches, failures
from feed_health
order by state in ('healthy', 'recovered'), state, outlet;
