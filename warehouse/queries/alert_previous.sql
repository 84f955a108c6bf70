-- The latest stored alert per rule, subject and event: what cool-down and escalation compare against. Only alerts
-- judged by this run's clock count: one judged at a later time (a future --as-of, a clock that jumped) is no
-- cool-down for now.
select rule, subject, coalesce(event, 'spike') as event, window_end, value
from alerts
where window_end <= cast($as_of as timestamptz)
qualify row_number() over (partition by rule, subject, coalesce(event, 'spike') order by window_end desc, fired_at desc) = 1
