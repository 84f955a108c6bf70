-- The latest stored alert per rule, subject and event: what cool-down and escalation compare against.
select rule, subject, coalesce(event, 'spike') as event, window_end, value
from alerts
qualify row_number() over (partition by rule, subject, coalesce(event, 'spike') order by window_end desc, fired_at desc) = 1
