-- The clock of the latest completed monitoring run (the demo's clock differs from the wall clock).
select max(as_of) from runs where status = 'completed' and mode in ('live', 'demo')
