-- Articles where two people share a sentence inside an alert's window, with that sentence.
select *
from alert_evidence('pair', $person_a, $person_b, cast($window_start as timestamptz), cast($window_end as timestamptz))
order by published_at desc
