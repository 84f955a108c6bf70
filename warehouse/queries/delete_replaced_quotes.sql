delete from quotes where article_id in (select article_id from replaced_articles)
