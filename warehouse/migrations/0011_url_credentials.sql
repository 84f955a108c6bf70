-- Before presswatch dropped user info from URLs, a feed link such as http://user:password@host/story was stored with
-- its password (articles.url, and articles.guid when the guid was the link), and an error naming such a URL repeated
-- it. Remove the user info wherever a URL may have been stored. articles.article_id stays: it is opaque, and
-- keeping it means the cleaned URL is recognised as the same article when the feed links it again.
update articles set
    url = regexp_replace(url, '^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@', '\1'),
    guid = regexp_replace(guid, '([A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#]*@', '\1', 'g'),
    error = regexp_replace(error, '([A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#]*@', '\1', 'g')
where url like '%@%' or guid like '%@%' or error like '%@%';

update sources set feed_url = regexp_replace(feed_url, '^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@', '\1')
where feed_url like '%@%';

update feed_fetches set error = regexp_replace(error, '([A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#]*@', '\1', 'g')
where error like '%@%';

update runs set error = regexp_replace(error, '([A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#]*@', '\1', 'g')
where error like '%@%';

-- Alert details quote headlines with their links.
update alerts set details = regexp_replace(details::varchar, '([A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#"]*@', '\1', 'g')::json
where details::varchar like '%@%';
