-- Runs whose process died mid-way (killed, or the machine stopped): the caller holds the run lock, so none of
-- them is still alive. Their loaded rows stay; the next run's alerts cover their period.
update runs
set status = 'failed',
    finished_at = coalesce(finished_at, $now),
    error = coalesce(error, 'interrupted: the process ended before the run finished (killed or crashed)')
where status in ('running', 'loading')
  and run_id <> $run_id
