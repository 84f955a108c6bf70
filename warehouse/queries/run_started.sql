-- A run's row as soon as it holds the run lock; its load replaces it with the counts, its end closes it.
insert into runs (run_id, started_at, status, mode, as_of, flow_run_id)
values ($run_id, $started_at, 'running', $mode, $as_of, $flow_run_id)
on conflict (run_id) do nothing
