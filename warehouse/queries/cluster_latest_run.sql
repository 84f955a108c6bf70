-- The latest run the warehouse knows of (the cluster demo's own, just finalised).
select run_id, status, articles_new, mentions_new, alerts_fired, error
from runs
order by started_at desc
limit 1
