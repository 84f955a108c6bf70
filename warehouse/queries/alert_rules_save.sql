-- The rules the alert stage read this run replace the stored ones: views and the report judge by the same rows.
delete from alert_rules;
insert into alert_rules by name select * from incoming_rules;
