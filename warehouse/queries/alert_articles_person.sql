-- Articles naming a person inside an alert's window, each with the sentence that names them most fully.
with named as (
    select
        a.article_id,
        coalesce(a.story_id, a.article_id) as story_id,
        a.title,
        a.url,
        coalesce(s.name, a.source_id) as outlet,
        a.published_at,
        m.snippet,
        row_number() over (partition by a.article_id order by m.sentence_index = 0, m.kind = 'full' desc, m.char_start) as rank_in_article
    from mentions as m
    inner join articles as a on a.article_id = m.article_id
    left join sources as s on s.source_id = a.source_id
    where m.person_id = $subject
      and a.published_at > cast($window_start as timestamptz)
      and a.published_at <= cast($window_end as timestamptz)
),

final as (
    select article_id, story_id, title, url, outlet, published_at, snippet
    from named
    where rank_in_article = 1
)

select * from final order by published_at desc
