-- Quotes of tracked people first run inside the quote-pickup rule's window, with the outlets and articles that carried
-- them up to the clock. The speaker is the tracked person most articles attribute the words to; an outlet that ran
-- the words without naming the speaker counts as pickup too (quote_pickup's rule, bounded by the window).
with carried as (
    select
        q.quote_key,
        q.person_id,
        q.quote_text,
        a.article_id,
        a.source_id,
        coalesce(s.name, a.source_id) as outlet,
        a.published_at
    from quotes as q
    inner join articles as a on a.article_id = q.article_id
    left join sources as s on s.source_id = a.source_id
    where a.published_at <= cast($as_of as timestamptz)
      and len(string_split(q.quote_key, ' ')) >= 4
),

fresh as (
    select quote_key
    from carried
    group by quote_key
    having min(published_at) > cast($window_start as timestamptz)
),

speakers as (
    select c.quote_key, c.person_id
    from carried as c
    inner join fresh as f on f.quote_key = c.quote_key
    where c.person_id is not null
    group by c.quote_key, c.person_id
    qualify row_number() over (partition by c.quote_key order by count(distinct c.article_id) desc, c.person_id) = 1
),

firsts as (
    select c.quote_key, c.quote_text, c.outlet
    from carried as c
    inner join fresh as f on f.quote_key = c.quote_key
    qualify row_number() over (partition by c.quote_key order by c.published_at, c.article_id) = 1
),

final as (
    select
        sp.person_id,
        c.quote_key,
        any_value(fi.quote_text) as quote_text,
        count(distinct c.source_id) as outlets,
        count(distinct c.article_id) as articles,
        any_value(fi.outlet) as first_outlet,
        min(c.published_at) as first_published_at
    from carried as c
    inner join speakers as sp on sp.quote_key = c.quote_key
    inner join firsts as fi on fi.quote_key = c.quote_key
    group by sp.person_id, c.quote_key
)

select * from final
