-- Store the outcome of delivery attempts; written per message as soon as its outcome is known.
insert or replace into alert_deliveries by name
select * from incoming_deliveries
