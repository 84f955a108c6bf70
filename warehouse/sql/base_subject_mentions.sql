-- Staging: people's mentions and topics' mentions as one list of subjects (subject_kind 'person' or 'topic'), for
-- the queries that treat both alike: counts per window, series, spikes.
create or replace view base_subject_mentions as
with people as (
    select
        'person' as subject_kind,
        person_id as subject,
        article_id,
        story_id,
        source_id,
        published_at,
        sentence_index,
        char_start
    from base_mentions
),

topics as (
    select
        'topic' as subject_kind,
        topic_id as subject,
        article_id,
        story_id,
        source_id,
        published_at,
        sentence_index,
        char_start
    from base_topic_mentions
),

final as (
    select * from people
    union all
    select * from topics
)

select * from final;
