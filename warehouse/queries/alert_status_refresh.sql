-- Summarise each touched alert's deliveries on its own row: delivered only when every channel has it.
with summary as (
    select
        alert_id,
        case
            when bool_and(status = 'delivered') then 'delivered'
            when bool_or(status = 'failed') then 'failed'
            when bool_or(status = 'rejected') then 'rejected'
            when bool_or(status = 'expired') then 'expired'
            else 'pending'
        end as status,
        string_agg(distinct channel, ', ') as channels,
        max(delivered_at) as delivered_at,
        sum(attempts) as attempts,
        max(last_error) as last_error
    from alert_deliveries
    where list_contains($alert_ids, alert_id)
    group by alert_id
)

update alerts
set status = summary.status,
    channel = summary.channels,
    delivered_at = summary.delivered_at,
    attempts = summary.attempts,
    last_error = summary.last_error
from summary
where alerts.alert_id = summary.alert_id
