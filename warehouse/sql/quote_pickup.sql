-- Each quote grouped across outlets by its folded words (quotes of four words or more: "No comment." is everyone's):
-- who said it (the tracked person most articles attribute it to), where and when it ran first, and how many
-- outlets, articles and distinct stories have carried it since.
create or replace view quote_pickup as
with quoted as (
    select
        q.quote_key,
        q.person_id,
        q.quote_text,
        q.article_id,
        a.source_id,
        coalesce(s.name, a.source_id) as outlet,
        a.published_at,
        a.url,
        a.title,
        coalesce(a.story_id, a.article_id) as story_id
    from quotes as q
    inner join articles as a on a.article_id = q.article_id
    left join sources as s on s.source_id = a.source_id
    where len(string_split(q.quote_key, ' ')) >= 4
),

attributed as (
    select quote_key, person_id, count(distinct article_id) as articles
    from quoted
    where person_id is not null
    group by quote_key, person_id
),

speakers as (
    select quote_key, person_id
    from attributed
    qualify row_number() over (partition by quote_key order by articles desc, person_id) = 1
),

firsts as (
    select *
    from quoted
    qualify row_number() over (partition by quote_key order by published_at, article_id) = 1
),

totals as (
    select
        quote_key,
        count(distinct source_id) as outlets,
        count(distinct article_id) as articles,
        count(distinct story_id) as stories,
        max(published_at) as last_published_at
    from quoted
    group by quote_key
),

final as (
    select
        f.quote_key,
        sp.person_id,
        p.name,
        f.quote_text,
        f.outlet as first_outlet,
        f.source_id as first_source_id,
        f.published_at as first_published_at,
        f.title as first_title,
        f.url as first_url,
        f.article_id as first_article_id,
        t.outlets,
        t.articles,
        t.stories,
        t.last_published_at
    from firsts as f
    inner join totals as t on t.quote_key = f.quote_key
    left join speakers as sp on sp.quote_key = f.quote_key
    left join people as p on p.person_id = sp.person_id
)

select * from final;
