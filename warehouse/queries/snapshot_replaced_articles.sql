-- Articles a pending run re-derived: the snapshot drops every occurrence it holds for them before copying the new.
-- With the publication time the snapshot's occurrences of them carry (its stored article's, read before the sync
-- replaces that row), so the deletes read only the row groups of that time.
select replaced.article_id, published.published_at
from (
    select distinct article_id
    from occurrence_replacements
    where run_id in (select run_id from pending_runs)
) as replaced
left join presswatch_snapshot.articles as published using (article_id)
