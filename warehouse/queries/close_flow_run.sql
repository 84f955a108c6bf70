-- Close the row of a Prefect flow run that crashed or was cancelled before its own code could; returns how many
-- rows were still open (0 when the run closed its own row, or never wrote one).
update runs
set status = $status,
    finished_at = $finished_at,
    error = coalesce(error, $error)
where flow_run_id = $flow_run_id
  and status in ('running', 'loading')
returning run_id
