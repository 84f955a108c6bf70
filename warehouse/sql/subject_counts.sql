-- subject_counts(kind, grain): per subject of the kind ('person' or 'topic') and UTC hour or day ('hour', 'day'),
-- the articles, distinct stories and mentions. The hourly and daily views are this one count at two grains.
create or replace macro subject_counts(kind, grain) as table
with placed as (
    select
        subject,
        date_trunc(grain, published_at at time zone 'UTC') as bucket,
        article_id,
        story_id
    from base_subject_mentions
    where subject_kind = kind
),

final as (
    select
        subject,
        bucket,
        count(distinct article_id) as articles,
        count(distinct story_id) as stories,
        count(*) as mentions
    from placed
    group by subject, bucket
)

select * from final;
