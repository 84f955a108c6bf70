-- The staged batches this load took (incoming_staged_loads), in its transaction: never loaded twice.
insert or replace into staged_loads by name select * from incoming_staged_loads
