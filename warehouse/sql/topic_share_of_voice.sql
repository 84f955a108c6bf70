-- Per UTC day, outlet and topic: how much of the outlet's coverage of tracked topics went to this topic
-- (share_of_outlet, by term occurrences), and how much of the topic's coverage came from this outlet
-- (share_of_topic, by articles). The topics' counterpart of share_of_voice.
create or replace view topic_share_of_voice as
with mentioned as (
    select
        cast(published_at at time zone 'UTC' as date) as day,
        source_id,
        outlet,
        topic_id,
        count(distinct article_id) as articles,
        count(distinct story_id) as stories,
        count(*) as mentions
    from base_topic_mentions
    group by all
),

final as (
    select
        mentioned.day,
        mentioned.source_id,
        mentioned.outlet,
        mentioned.topic_id,
        coalesce(t.name, mentioned.topic_id) as topic_name,
        mentioned.articles,
        mentioned.stories,
        mentioned.mentions,
        mentioned.mentions / sum(mentioned.mentions) over (partition by mentioned.day, mentioned.source_id)
            as share_of_outlet,
        mentioned.articles / sum(mentioned.articles) over (partition by mentioned.day, mentioned.topic_id)
            as share_of_topic
    from mentioned
    left join topics as t on t.topic_id = mentioned.topic_id
)

select * from final;
