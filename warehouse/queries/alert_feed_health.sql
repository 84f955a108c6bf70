-- Each feed's failure streak (feed_state) with its latest fetch outcome and error, read from the runs since $since:
-- the same rows the feed_health view judges.
select source_id, consecutive_failures, failing_since, last_outcome, last_error
from feed_health_between(cast($since as timestamptz), cast($as_of as timestamptz))
where state <> 'never-fetched'
order by source_id
