-- The seeds' entries replace the stored ones: history is now derived with them (a removed entry's row goes too).
delete from watchlist_entries;
insert into watchlist_entries by name select * from incoming_entries;
