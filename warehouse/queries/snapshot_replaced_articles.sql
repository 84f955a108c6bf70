-- Articles a pending run re-derived: the snapshot drops every occurrence it holds for them before copying the new.
select distinct article_id
from occurrence_replacements
where run_id in (select run_id from pending_runs)
