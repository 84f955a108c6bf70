-- Store the outcome of this run's delivery attempts.
insert or replace into alert_deliveries by name
select * from incoming_deliveries
