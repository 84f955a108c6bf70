-- The runs that confirm retention's clock: the wall-clock starts (never an --as-of) of the $runs latest completed
-- runs that started no later than this one. Text is aged against the earliest of these and this run's own start.
select started_at
from runs
where status = 'completed'
  and run_id <> $run_id
  and started_at <= cast($now as timestamptz)
order by started_at desc
limit $runs
