-- Articles from the last days with their stories: new articles may join one of these stories.
select article_id, title, text, published_at, source_id, story_id
from articles
where story_id is not null
  and text is not null
  and published_at >= cast($since as timestamptz)
