-- Articles each feed brought since $since: what a host weighs in the plan besides its feed count.
select source_id, count(*) as articles
from articles
where first_seen_at >= cast($since as timestamptz)
group by source_id
