-- Articles naming a person inside an alert's window, each with the sentence that names them most fully.
select * from alert_evidence('person', $subject, null, cast($window_start as timestamptz), cast($window_end as timestamptz))
order by published_at desc
