-- Deliveries this run must attempt on the configured channels: new ones and earlier failures, oldest first.
select
    d.alert_id,
    d.channel_key,
    d.attempts,
    d.first_attempt_at,
    a.rule,
    a.subject,
    a.subject_kind,
    a.event,
    a.window_start,
    a.window_end,
    a.value,
    a.baseline,
    a.ratio,
    a.zscore,
    a.details,
    a.fired_at,
    a.run_id as fired_run_id
from alert_deliveries as d
inner join alerts as a on a.alert_id = d.alert_id
where list_contains($channel_keys, d.channel_key)
  and d.status in ('pending', 'failed')
  and a.fired_at >= cast($since as timestamptz)
order by a.fired_at, a.alert_id
