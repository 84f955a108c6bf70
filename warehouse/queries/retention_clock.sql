-- The clock retention measures age against: the latest completed run's, so a replayed demo keeps its text.
select max(as_of) from runs where status = 'completed'
