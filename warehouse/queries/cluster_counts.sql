-- What a warehouse holds, table by table: the cluster demo's and `run --demo`'s must be the same.
select
    (select count(*) from articles) as articles,
    (select count(*) from mentions) as mentions,
    (select count(*) from topic_mentions) as topic_mentions,
    (select count(distinct story_id) from articles where story_id is not null) as stories,
    (select count(*) from quotes) as quotes,
    (select count(*) from alerts) as alerts
