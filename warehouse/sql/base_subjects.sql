-- Staging: every tracked subject with its name: people (subject_kind 'person') and topics ('topic').
create or replace view base_subjects as
with final as (
    select 'person' as subject_kind, person_id as subject, name
    from people
    union all
    select 'topic' as subject_kind, topic_id as subject, name
    from topics
)

select * from final;
