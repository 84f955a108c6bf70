-- window_number(clock, window_hours, moment): which window of `window_hours` counted back from `clock` holds the
-- moment: window n holds the moments more than n widths and at most n + 1 widths older than the clock (window 0
-- also the clock itself). The alert stage's spike queries have always counted so.
create or replace macro window_number(clock, window_hours, moment) as
cast(greatest(ceil((epoch(clock) - epoch(moment)) / (window_hours * 3600)) - 1, 0) as bigint);

-- hour_of(moment): the start of the whole UTC hour holding the moment (a moment on the hour starts its hour). It is
-- subject_hours' hour, and a clock's hour_of is where the spike rules' baseline windows are counted back from.
create or replace macro hour_of(moment) as
to_timestamp(floor(epoch(moment) / 3600) * 3600);

-- subject_occurrences(kinds, after, until): people's and topics' mentions as subjects (kinds: a list of 'person' and
-- 'topic', null for both) published in (after, until], by the copy of their article's published_at set at load: the
-- bounds let DuckDB skip the row groups outside them. unstamped_subject_occurrences(kinds): the rows without that
-- copy (inserted by hand, or an article stored after its mentions), which a query matches on the article alone, as
-- base_mentions does. base_subject_mentions' rows, before their articles are joined.
create or replace macro subject_occurrences(kinds, after, until) as table
select 'person' as subject_kind, person_id as subject, article_id, published_at
from mentions
where (kinds is null or list_contains(kinds, 'person'))
  and published_at <= until
  and published_at > after
union all
select 'topic' as subject_kind, topic_id as subject, article_id, published_at
from topic_mentions
where (kinds is null or list_contains(kinds, 'topic'))
  and published_at <= until
  and published_at > after;

create or replace macro unstamped_subject_occurrences(kinds) as table
select 'person' as subject_kind, person_id as subject, article_id
from mentions
where (kinds is null or list_contains(kinds, 'person')) and published_at is null
union all
select 'topic' as subject_kind, topic_id as subject, article_id
from topic_mentions
where (kinds is null or list_contains(kinds, 'topic')) and published_at is null;

-- windowed_subject_mentions(of_kind, clock, window_hours, windows, max_window): the rows of base_subject_mentions
-- for subjects of the kind ('person' or 'topic') whose article lies in one of `windows` (window numbers as above,
-- none beyond max_window), each with its window. The same rows as filtering the view, but each table's rows are
-- placed in their window by their own published_at before mentions meet their articles: an hour-of-week baseline
-- joins its 12 hours of mentions, not the 12 weeks between them (through the view, every one is joined first).
create or replace macro windowed_subject_mentions(of_kind, clock, window_hours, windows, max_window) as table
with wanted as (
    select unnest(windows) as "window"
),

articles_in_windows as (
    select placed.*
    from (
        select article_id, story_id, published_at, window_number(clock, window_hours, published_at) as "window"
        from base_articles
        where published_at <= clock
          and published_at > clock - to_seconds(window_hours * 3600 * (max_window + 1))
    ) as placed
    semi join wanted using ("window")
),

stamped as (
    -- matched on the copy of the article's time, as base_mentions does; the bounds skip the row groups outside the
    -- windows' span, the join with the few articles inside the windows does the rest
    select *
    from subject_occurrences([of_kind], clock - to_seconds(window_hours * 3600 * (max_window + 1)), clock)
),

unstamped as (
    select * from unstamped_subject_occurrences([of_kind])
),

final as (
    select m.subject_kind, m.subject, a.article_id, a.story_id, a.published_at, a."window"
    from stamped as m
    inner join articles_in_windows as a on a.article_id = m.article_id and a.published_at = m.published_at
    union all
    select m.subject_kind, m.subject, a.article_id, a.story_id, a.published_at, a."window"
    from unstamped as m
    inner join articles_in_windows as a on a.article_id = m.article_id
)

select * from final;
