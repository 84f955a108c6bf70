-- The clock of the latest completed monitoring run (the demo's clock differs from the wall clock). A run judged at
-- a time the machine had not reached (a future --as-of, or a clock since set back) is not the warehouse's clock.
select max(as_of)
from runs
where status = 'completed'
  and mode in ('live', 'demo')
  and as_of <= started_at
  and as_of <= now()
