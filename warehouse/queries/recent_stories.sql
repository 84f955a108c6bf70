-- Articles from the last days with their stories: new articles may join one of these stories. Signatures only:
-- a candidate's text is read by story_texts, by the row id given here (valid for the same connection: no write
-- comes between the two reads); a null signature (stored before migration 0006) is printed from the text.
select rowid as stored_row, article_id, story_id, published_at, story_signature
from articles
where story_id is not null
  and text is not null
  and published_at >= cast($since as timestamptz)
order by published_at, article_id
