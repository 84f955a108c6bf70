-- The strongest evidence for a person's alert: one sentence per story, outlets with the most stories first.
with in_window as (
    select
        a.article_id,
        coalesce(a.story_id, a.article_id) as story_id,
        a.title,
        a.url,
        a.published_at,
        s.name as outlet,
        m.snippet,
        m.kind,
        row_number() over (partition by a.article_id order by m.kind = 'full' desc, m.char_start) as rank_in_article
    from mentions as m
    inner join articles as a on a.article_id = m.article_id
    left join sources as s on s.source_id = a.source_id
    where m.person_id = $subject
      and a.published_at > cast($window_start as timestamptz)
      and a.published_at <= cast($window_end as timestamptz)
),

one_per_story as (
    select *, row_number() over (partition by story_id order by published_at) as rank_in_story
    from in_window
    where rank_in_article = 1
),

final as (
    select title, url, outlet, published_at, snippet
    from one_per_story
    where rank_in_story = 1
    order by published_at desc
    limit $limit
)

select * from final
