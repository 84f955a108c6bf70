-- The most picked-up stories of the report period: distinct outlets per story, its first headline and link, and
-- the tracked people it names (stories naming nobody tracked are left out). With a --people selection, only
-- stories naming one of them.
select
    story_id,
    headline as title,
    url,
    outlets,
    articles,
    first_published_at,
    last_published_at,
    outlet_names,
    people
from stories_between(cast($since as timestamptz), cast($until as timestamptz))
where len(list_filter(person_ids, lambda person_id: is_selected($people, person_id))) > 0
order by outlets desc, articles desc, first_published_at desc, story_id
limit $limit;
