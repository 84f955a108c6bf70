-- Articles where two people share a sentence inside an alert's window, with that sentence.
with shared as (
    select
        a.article_id,
        coalesce(a.story_id, a.article_id) as story_id,
        a.title,
        a.url,
        coalesce(s.name, a.source_id) as outlet,
        a.published_at,
        first_person.snippet,
        row_number() over (partition by a.article_id order by first_person.sentence_index = 0, first_person.char_start) as rank_in_article
    from mentions as first_person
    inner join mentions as second_person
        on second_person.article_id = first_person.article_id
        and second_person.sentence_index = first_person.sentence_index
        and second_person.person_id = $person_b
    inner join articles as a on a.article_id = first_person.article_id
    left join sources as s on s.source_id = a.source_id
    where first_person.person_id = $person_a
      and a.published_at > cast($window_start as timestamptz)
      and a.published_at <= cast($window_end as timestamptz)
),

final as (
    select article_id, story_id, title, url, outlet, published_at, snippet
    from shared
    where rank_in_article = 1
)

select * from final order by published_at desc
