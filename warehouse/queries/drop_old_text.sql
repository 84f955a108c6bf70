-- Retention: forget the full text of articles stored before the cutoff; titles, snippets and mentions stay.
update articles
set text = null, text_dropped_at = cast($now as timestamptz)
where text is not null
  and first_seen_at < cast($cutoff as timestamptz)
