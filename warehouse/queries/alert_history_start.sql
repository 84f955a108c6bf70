-- When the warehouse's coverage begins: baselines and "first time" rules need history to mean anything.
select min(published_at) as history_start from articles
