-- Who else the alert's articles name, by distinct stories, leaving out the alert's own subjects.
select m.person_id, count(distinct alert_articles.story_id) as stories
from alert_articles
inner join base_mentions as m on m.article_id = alert_articles.article_id
where not list_contains($exclude, m.person_id)
group by m.person_id
order by stories desc, m.person_id
limit 5
