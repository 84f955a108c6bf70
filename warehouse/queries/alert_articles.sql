-- Every asked alert's articles inside its own window, each with its best sentence (alerts_evidence): one read for any
-- number of alerts, the lists side by side (one alert per position), newest first within each alert.
select *
from alerts_evidence(
    cast($alert_ids as varchar[]),
    cast($kinds as varchar[]),
    cast($first_ids as varchar[]),
    cast($second_ids as varchar[]),
    cast($window_starts as timestamptz[]),
    cast($window_ends as timestamptz[])
)
order by alert_id, published_at desc, article_id
