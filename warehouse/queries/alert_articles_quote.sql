-- Articles carrying the quote of a quote-pickup alert inside its window (the subject is "person_id:" and the first 12
-- hex digits of the sha256 of the quote's folded words), each with the quoted words as its evidence.
with carried as (
    select
        a.article_id,
        coalesce(a.story_id, a.article_id) as story_id,
        a.title,
        a.url,
        coalesce(s.name, a.source_id) as outlet,
        a.published_at,
        q.quote_text as snippet,
        row_number() over (partition by a.article_id order by q.char_start) as rank_in_article
    from quotes as q
    inner join articles as a on a.article_id = q.article_id
    left join sources as s on s.source_id = a.source_id
    where left(sha256(q.quote_key), 12) = split_part($subject, ':', 2)
      and a.published_at > cast($window_start as timestamptz)
      and a.published_at <= cast($window_end as timestamptz)
),

final as (
    select article_id, story_id, title, url, outlet, published_at, snippet
    from carried
    where rank_in_article = 1
)

select * from final order by published_at desc
