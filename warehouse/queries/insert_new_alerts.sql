-- Store only alerts never stored before and return them: the same alert can never fire twice.
insert into alerts by name
select * from incoming_alerts
where alert_id not in (select alert_id from alerts)
returning alert_id
