-- The watchlist entries the stored history was derived with (kind, id, fingerprint).
select kind, entry_id, fingerprint
from watchlist_entries
order by kind, entry_id
