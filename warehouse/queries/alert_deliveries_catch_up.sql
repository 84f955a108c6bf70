-- A channel added after an alert fired catches up once: every alert fired since $since (the last 24 hours) that
-- the channel has no record of is added for it as pending. Suppressed alerts (a backfill's history) are never
-- sent, and an alert any record exists for (delivered, failed, rejected, expired) is left as it is.
insert or ignore into alert_deliveries by name
select
    a.alert_id,
    c.channel_key,
    c.channel,
    'pending' as status,
    0 as attempts,
    $run_id as run_id
from alerts as a
cross join configured_channels as c
where a.fired_at >= cast($since as timestamptz)
  and a.status <> 'suppressed'
  and not exists (
      select 1
      from alert_deliveries as d
      where d.alert_id = a.alert_id and d.channel_key = c.channel_key
  )
returning alert_id, channel_key
