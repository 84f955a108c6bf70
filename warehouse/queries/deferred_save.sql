-- A load's deferred entries (incoming_deferrals): a later deferral of the same entry replaces its row.
insert or replace into deferred_articles by name select * from incoming_deferrals
