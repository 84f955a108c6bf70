-- Quotes of tracked people first run inside the quote-pickup rule's window, with the outlets and articles that carried
-- them up to the clock. The speaker is the tracked person most articles attribute the words to; an outlet that ran
-- the words without naming the speaker counts as pickup too (quote_pickup's rule, bounded by the window).
with window_quotes as (
    -- only words carried inside the window can be first run there, and their first run is one of these rows
    select quote_key, quote_text, article_id
    from quotes
    where published_at > cast($window_start as timestamptz)
      and published_at <= cast($as_of as timestamptz)
      and len(string_split(quote_key, ' ')) >= 4
),

earlier as (
    -- the window's words that some article carried before the window: not first run there. Keys and times only,
    -- and only of rows bearing the window's words, so the history costs a scan of two columns, no join of it
    select distinct q.quote_key
    from quotes as q
    semi join (select distinct quote_key from window_quotes) as w on w.quote_key = q.quote_key
    semi join base_articles as a on a.article_id = q.article_id and a.published_at = q.published_at
    where q.published_at <= cast($window_start as timestamptz)
),

carried as (
    -- every article that carried the other words up to the clock: all of them inside the window
    select
        q.quote_key,
        q.person_id,
        a.article_id,
        a.source_id,
        a.outlet,
        a.published_at
    from quotes as q
    semi join (select distinct quote_key from window_quotes) as w on w.quote_key = q.quote_key
    anti join earlier as e on e.quote_key = q.quote_key
    inner join base_articles as a on a.article_id = q.article_id and a.published_at = q.published_at
    where q.published_at > cast($window_start as timestamptz)
      and q.published_at <= cast($as_of as timestamptz)
),

fresh as (
    select distinct quote_key
    from carried
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
    select c.quote_key, w.quote_text, c.outlet
    from carried as c
    inner join fresh as f on f.quote_key = c.quote_key
    inner join window_quotes as w on w.quote_key = c.quote_key and w.article_id = c.article_id
    qualify row_number() over (partition by c.quote_key order by c.published_at, c.article_id, w.quote_text) = 1
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
