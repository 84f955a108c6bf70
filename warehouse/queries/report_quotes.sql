-- "What they said": per tracked person, their newest quotes of the report period, each once however many outlets ran
-- it (grouped by the quote's folded words), with where it ran first and how many outlets and articles carried it in
-- the period (an outlet that ran the words without naming the speaker counts too).
with period_quotes as (
    select
        q.person_id,
        q.quote_key,
        q.quote_text,
        a.article_id,
        a.source_id,
        a.outlet,
        a.published_at,
        a.title,
        a.url
    from quotes as q
    inner join base_articles as a on a.article_id = q.article_id and a.published_at = q.published_at
    -- on the quotes' copy of the time too, so DuckDB reads only the period's row groups of both tables
    where q.published_at >= cast($since as timestamptz)
      and q.published_at <= cast($until as timestamptz)
),

said as (
    select *
    from period_quotes
    where person_id is not null
      and is_selected($people, person_id)
),

firsts as (
    select person_id, quote_key, quote_text, outlet, published_at, title, url
    from said
    qualify row_number() over (partition by person_id, quote_key order by published_at, article_id) = 1
),

carried as (
    select s.person_id, s.quote_key, count(distinct p.source_id) as outlets, count(distinct p.article_id) as articles,
        max(p.published_at) as last_published_at
    from (select distinct person_id, quote_key from said) as s
    inner join period_quotes as p
        on p.quote_key = s.quote_key and (p.person_id = s.person_id or p.person_id is null)
    group by s.person_id, s.quote_key
),

ranked as (
    select
        f.person_id,
        coalesce(pe.name, f.person_id) as name,
        f.quote_text,
        f.outlet as first_outlet,
        f.published_at as first_published_at,
        f.title as first_title,
        f.url as first_url,
        c.outlets,
        c.articles,
        c.last_published_at,
        row_number() over (
            partition by f.person_id order by c.last_published_at desc, f.published_at desc, f.quote_key
        ) as quote_rank
    from firsts as f
    inner join carried as c on c.person_id = f.person_id and c.quote_key = f.quote_key
    left join people as pe on pe.person_id = f.person_id
),

final as (
    select
        person_id, name, quote_rank, quote_text, first_outlet, first_published_at, first_title, first_url, outlets,
        articles, last_published_at
    from ranked
    where quote_rank <= $per_person
)

select * from final
order by person_id, quote_rank;
