-- alert_evidence(evidence_for, first_id, second_id, window_start, window_end): the articles inside an alert's window
-- (window_start, window_end], each with its best sentence:
--   'person' (first_id): the sentence naming the person most fully, the headline last;
--   'topic'  (first_id): the first sentence on the topic, the headline last;
--   'pair'   (first_id, second_id): the first sentence naming both people, the headline last;
--   'watch'  (first_id person, second_id topic): articles naming both, a sentence holding both preferred.
-- Each kind says which sentences qualify and how it prefers them; the ranking is shared.
create or replace macro alert_evidence(evidence_for, first_id, second_id, window_start, window_end) as table
with people_in_window as (
    select *
    from base_mentions
    where published_at > window_start
      and published_at <= window_end
),

topics_in_window as (
    select *
    from base_topic_mentions
    where published_at > window_start
      and published_at <= window_end
),

person_sentences as (
    select *, (sentence_index = 0)::int * 2 + (kind <> 'full')::int as preference
    from people_in_window
    where evidence_for = 'person' and person_id = first_id
),

topic_sentences as (
    select *, (sentence_index = 0)::int * 2 as preference
    from topics_in_window
    where evidence_for = 'topic' and topic_id = first_id
),

pair_sentences as (
    select first.*, (first.sentence_index = 0)::int * 2 as preference
    from people_in_window as first
    inner join people_in_window as second
        on second.article_id = first.article_id
        and second.sentence_index = first.sentence_index
        and second.person_id = second_id
    where evidence_for = 'pair' and first.person_id = first_id
),

watch_sentences as (
    select m.*, (m.sentence_index <> t.sentence_index)::int as preference
    from people_in_window as m
    inner join topics_in_window as t on t.article_id = m.article_id and t.topic_id = second_id
    where evidence_for = 'watch' and m.person_id = first_id
),

candidates as (
    select article_id, story_id, title, url, outlet, published_at, snippet, preference, char_start
    from person_sentences
    union all
    select article_id, story_id, title, url, outlet, published_at, snippet, preference, char_start
    from topic_sentences
    union all
    select article_id, story_id, title, url, outlet, published_at, snippet, preference, char_start
    from pair_sentences
    union all
    select article_id, story_id, title, url, outlet, published_at, snippet, preference, char_start
    from watch_sentences
),

final as (
    select article_id, story_id, title, url, outlet, published_at, snippet
    from candidates
    qualify row_number() over (partition by article_id order by preference, char_start) = 1
)

select * from final;
