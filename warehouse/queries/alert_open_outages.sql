-- Feed outages already reported whose recovery has not been: source and outage start.
select dead.subject as source_id, dead.window_start as failing_since
from alerts as dead
where dead.rule = $rule
  and dead.event = 'feed-dead'
  and not exists (
      select 1
      from alerts as recovered
      where recovered.rule = dead.rule
        and recovered.subject = dead.subject
        and recovered.event = 'feed-recovered'
        and recovered.window_start = dead.window_start
  )
