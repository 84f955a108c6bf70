-- Record deliveries to attempt; an existing record (e.g. already delivered) is never overwritten.
insert or ignore into alert_deliveries by name
select * from incoming_deliveries
