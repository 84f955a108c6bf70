-- alerts_evidence(alert_ids, kinds, first_ids, second_ids, window_starts, window_ends): for any number of alerts (the
-- lists are read side by side, one alert per position) the articles inside each alert's own window
-- (window_start, window_end], each with its best sentence, and the alert's id:
--   'person' (first_id): the sentence naming the person most fully, the headline last;
--   'topic'  (first_id): the first sentence on the topic, the headline last;
--   'pair'   (first_id, second_id): the first sentence naming both people, the headline last;
--   'watch'  (first_id person, second_id topic): articles naming both, a sentence holding both preferred;
--   'quote'  (first_id the alert's subject, "person_id:" and the first 12 hex digits of the sha256 of the quote's
--            folded words): articles carrying the quote, its first occurrence in the article as the sentence.
-- Each kind says which sentences qualify and how it prefers them; the ranking is shared. The earliest start and the
-- latest end bound every table read, so one call reads the span of its windows once, whatever the alerts, and a kind
-- no alert asks for is not read at all. alert_evidence(evidence_for, first_id, second_id, window_start, window_end)
-- is the same for one alert.
create or replace macro alerts_evidence(alert_ids, kinds, first_ids, second_ids, window_starts, window_ends) as table
with requests as (
    select
        unnest(alert_ids) as alert_id,
        unnest(kinds) as evidence_for,
        unnest(first_ids) as first_id,
        unnest(second_ids) as second_id,
        unnest(window_starts) as window_start,
        unnest(window_ends) as window_end
),

people_in_reach as (
    select *
    from base_mentions
    where published_at > list_min(window_starts)
      and published_at <= list_max(window_ends)
),

topics_in_reach as (
    select *
    from base_topic_mentions
    where published_at > list_min(window_starts)
      and published_at <= list_max(window_ends)
),

quotes_in_reach as (
    select
        q.article_id,
        a.story_id,
        a.title,
        a.url,
        a.outlet,
        a.published_at,
        q.quote_text,
        q.char_start,
        left(sha256(q.quote_key), 12) as quote_digest
    from quotes as q
    -- on the quotes' copy of the time too (set at load since 0016), so only the reach's row groups of quotes are
    -- read, as the report's quote read does: all 300,000 quotes of the 90-day benchmark were read before
    inner join base_articles as a on a.article_id = q.article_id and a.published_at = q.published_at
    where q.published_at > list_min(window_starts)
      and q.published_at <= list_max(window_ends)
      and list_contains(kinds, 'quote')
),

person_sentences as (
    select r.alert_id, m.*, (m.sentence_index = 0)::int * 2 + (m.kind <> 'full')::int as preference
    from requests as r
    inner join people_in_reach as m
        on m.person_id = r.first_id
        and m.published_at > r.window_start
        and m.published_at <= r.window_end
    where r.evidence_for = 'person' and list_contains(kinds, 'person')
),

topic_sentences as (
    select r.alert_id, t.*, (t.sentence_index = 0)::int * 2 as preference
    from requests as r
    inner join topics_in_reach as t
        on t.topic_id = r.first_id
        and t.published_at > r.window_start
        and t.published_at <= r.window_end
    where r.evidence_for = 'topic' and list_contains(kinds, 'topic')
),

pair_sentences as (
    select r.alert_id, first.*, (first.sentence_index = 0)::int * 2 as preference
    from requests as r
    inner join people_in_reach as first
        on first.person_id = r.first_id
        and first.published_at > r.window_start
        and first.published_at <= r.window_end
    inner join people_in_reach as second
        on second.article_id = first.article_id
        and second.sentence_index = first.sentence_index
        and second.person_id = r.second_id
    where r.evidence_for = 'pair' and list_contains(kinds, 'pair')
),

watch_sentences as (
    select r.alert_id, m.*, (m.sentence_index <> t.sentence_index)::int as preference
    from requests as r
    inner join people_in_reach as m
        on m.person_id = r.first_id
        and m.published_at > r.window_start
        and m.published_at <= r.window_end
    inner join topics_in_reach as t on t.article_id = m.article_id and t.topic_id = r.second_id
    where r.evidence_for = 'watch' and list_contains(kinds, 'watch')
),

quote_sentences as (
    select r.alert_id, q.*, q.quote_text as snippet, 0 as preference
    from requests as r
    inner join quotes_in_reach as q
        on q.quote_digest = split_part(r.first_id, ':', 2)
        and q.published_at > r.window_start
        and q.published_at <= r.window_end
    where r.evidence_for = 'quote'
),

candidates as (
    select alert_id, article_id, story_id, title, url, outlet, published_at, snippet, preference, char_start
    from person_sentences
    union all
    select alert_id, article_id, story_id, title, url, outlet, published_at, snippet, preference, char_start
    from topic_sentences
    union all
    select alert_id, article_id, story_id, title, url, outlet, published_at, snippet, preference, char_start
    from pair_sentences
    union all
    select alert_id, article_id, story_id, title, url, outlet, published_at, snippet, preference, char_start
    from watch_sentences
    union all
    select alert_id, article_id, story_id, title, url, outlet, published_at, snippet, preference, char_start
    from quote_sentences
),

final as (
    select alert_id, article_id, story_id, title, url, outlet, published_at, snippet
    from candidates
    qualify row_number() over (partition by alert_id, article_id order by preference, char_start) = 1
)

select * from final;

create or replace macro alert_evidence(evidence_for, first_id, second_id, window_start, window_end) as table
select article_id, story_id, title, url, outlet, published_at, snippet
from alerts_evidence([''], [evidence_for], [first_id], [second_id], [window_start], [window_end]);
