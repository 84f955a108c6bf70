-- Articles naming a person and a topic inside an alert's window; a sentence holding both is preferred.
select *
from alert_evidence('watch', $person_id, $topic_id, cast($window_start as timestamptz), cast($window_end as timestamptz))
order by published_at desc
