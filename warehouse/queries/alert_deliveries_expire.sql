-- Deliveries still failing past the retry horizon stop being retried; the record stays, marked expired.
update alert_deliveries
set status = 'expired', last_error = coalesce(last_error, 'never attempted'), run_id = $run_id
where status in ('pending', 'failed')
  and alert_id in (select alert_id from alerts where fired_at < cast($since as timestamptz))
returning alert_id
