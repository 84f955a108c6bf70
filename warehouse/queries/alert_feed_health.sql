-- Each feed's state as the feed_health view classifies it, at the alert rule's own threshold ($dead_runs), with its
-- failure streak (feed_state) and latest fetch outcome and error, read from the runs since $since.
select source_id, state, consecutive_failures, failing_since, last_outcome, last_error
from feed_health_between(cast($since as timestamptz), cast($as_of as timestamptz), dead_after := cast($dead_runs as integer))
where state <> 'never-fetched'
order by source_id
