-- The outlets that drove an alert: distinct stories per outlet among the alert's articles.
select outlet, count(distinct story_id) as stories
from alert_articles
group by outlet
order by stories desc, outlet
limit 3
