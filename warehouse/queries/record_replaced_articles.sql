-- The articles this run re-derived (their old occurrences were just deleted), so the snapshot deletes them too.
insert or ignore into occurrence_replacements (run_id, article_id)
select distinct cast($run_id as varchar), article_id
from replaced_articles
