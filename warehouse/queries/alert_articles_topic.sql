-- Articles on a topic inside an alert's window, each with its first sentence on the topic.
select * from alert_evidence('topic', $subject, null, cast($window_start as timestamptz), cast($window_end as timestamptz))
order by published_at desc
