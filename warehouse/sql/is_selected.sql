-- is_selected(selection, id): true when the selection (a list of ids, e.g. the report's --people) is empty, meaning
-- everyone, or holds the id. Queries pass their $people parameter as it comes.
create or replace macro is_selected(selection, id) as
    len(cast(selection as varchar[])) = 0 or list_contains(cast(selection as varchar[]), id);
