-- The runs whose clock falls in the report period, newest first, as the run_history view describes them.
select run_id, started_at, finished_at, duration_s, status, mode, as_of, load_method, feeds_total, feeds_ok,
    feeds_failed, articles_new, articles_deferred, articles_failed, mentions_new, alerts_fired, error
from run_history_between(cast($since as timestamptz), cast($until as timestamptz))
order by as_of desc, started_at desc, run_id;
