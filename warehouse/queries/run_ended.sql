-- Close a run's row (completed, failed or cancelled), keeping the counts its load wrote; a run that failed before
-- its row existed gets one here.
insert into runs (
    run_id, started_at, status, mode, as_of, flow_run_id, finished_at, error, alerts_fired,
    fetch_feeds_s, fetch_pages_s, extract_s, detect_s, load_s, alerts_s, report_s, publish_s
)
values (
    $run_id, $started_at, $status, $mode, $as_of, $flow_run_id, $finished_at, $error, $alerts_fired,
    $fetch_feeds_s, $fetch_pages_s, $extract_s, $detect_s, $load_s, $alerts_s, $report_s, $publish_s
)
on conflict (run_id) do update set
    status = excluded.status,
    finished_at = excluded.finished_at,
    error = coalesce(excluded.error, runs.error),
    alerts_fired = coalesce(excluded.alerts_fired, runs.alerts_fired),
    flow_run_id = coalesce(runs.flow_run_id, excluded.flow_run_id),
    fetch_feeds_s = coalesce(excluded.fetch_feeds_s, runs.fetch_feeds_s),
    fetch_pages_s = coalesce(excluded.fetch_pages_s, runs.fetch_pages_s),
    extract_s = coalesce(excluded.extract_s, runs.extract_s),
    detect_s = coalesce(excluded.detect_s, runs.detect_s),
    load_s = coalesce(excluded.load_s, runs.load_s),
    alerts_s = coalesce(excluded.alerts_s, runs.alerts_s),
    report_s = coalesce(excluded.report_s, runs.report_s),
    publish_s = coalesce(excluded.publish_s, runs.publish_s)
