delete from topic_mentions where article_id in (select article_id from replaced_articles)
