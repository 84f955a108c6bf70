-- alert_evidence(evidence_for, first_id, second_id, window_start, window_end): the articles inside an alert's window
-- (window_start, window_end], newest first, each with its best sentence:
--   'person' (first_id): the sentence naming the person most fully, the headline last;
--   'topic'  (first_id): the first sentence on the topic, the headline last;
--   'pair'   (first_id, second_id): the first sentence naming both people, the headline last;
--   'watch'  (first_id person, second_id topic): articles naming both, a sentence holding both preferred.
-- Each kind says which sentences qualify and how it prefers them; the ranking is shared.
create or replace macro alert_evidence(evidence_for, first_id, second_id, window_start, window_end) as table
with in_window as (
    select *
    from base_mentions
    where published_at > window_start
      and published_at <= window_end
),

person_sentences as (
    select article_id, snippet, (sentence_index = 0)::int * 2 + (kind <> 'full')::int as preference, char_start
    from in_window
    where evidence_for = 'person' and person_id = first_id
),

topic_sentences as (
    select article_id, snippet, (sentence_index = 0)::int * 2 as preference, char_start
    from base_topic_mentions
    where evidence_for = 'topic'
      and topic_id = first_id
      and published_at > window_start
      and published_at <= window_end
),

pair_sentences as (
    select first.article_id, first.snippet, (first.sentence_index = 0)::int * 2 as preference, first.char_start
    from in_window as first
    inner join in_window as second
        on second.article_id = first.article_id
        and second.sentence_index = first.sentence_index
        and second.person_id = second_id
    where evidence_for = 'pair' and first.person_id = first_id
),

watch_sentences as (
    select m.article_id, m.snippet, (m.sentence_index <> t.sentence_index)::int as preference, m.char_start
    from in_window as m
    inner join base_topic_mentions as t on t.article_id = m.article_id and t.topic_id = second_id
    where evidence_for = 'watch' and m.person_id = first_id
),

candidates as (
    select * from person_sentences
    union all
    select * from topic_sentences
    union all
    select * from pair_sentences
    union all
    select * from watch_sentences
),

best as (
    select article_id, snippet
    from candidates
    qualify row_number() over (partition by article_id order by preference, char_start) = 1
),

final as (
    select a.article_id, a.story_id, a.title, a.url, a.outlet, a.published_at, best.snippet
    from best
    inner join base_articles as a on a.article_id = best.article_id
)

select * from final;
