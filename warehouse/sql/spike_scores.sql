-- spike_scores(until, since, calendar, read_from): every enabled spike rule of alert_rules, judged for each subject
-- of its kind on each of its windows that holds a moment of [since, until]. This is the alert stage's rule
-- (transforms.alerts.find_spikes) written once for SQL: the spikes view and the report's trend both read it, with the
-- thresholds the alert stage stored, and a test holds the two to the same verdicts.
-- Windows are the rule's width (window_hours) counted back from an anchor: window 0 holds [anchor - width, anchor],
-- window n the n-th width before it, [start, end). The anchor is `until` itself (calendar false: a run's clock, as
-- the alert stage counts) or the end of the UTC hour or day holding it (calendar true: the report's hours and days).
-- Only articles up to `until` count. The judged windows are counted from the articles; the baseline windows are
-- whole hours of subject_hours (each story in the hour of its first copy naming the subject), counted back from the
-- last whole hour at or before each judged window's end (hour_of). read_from, when given, is
-- spike_reach(until, since, calendar) worked out beforehand (the oldest moment of the judged windows): as a constant,
-- DuckDB skips the row groups before it in every table it reads; left null, it is worked out here from the rules,
-- which is as right but makes DuckDB read every article. subject_kinds: see spans.
-- Baseline: the same slot in up to max(seasonal_min_samples, 12) earlier seasons (seasonal_period windows apart)
-- when at least seasonal_min_samples of them start after the first stored article, else the trailing
-- baseline_windows that do; a judgement needs seasonal_min_samples (or min(min_history_windows, baseline_windows))
-- of them. Expected stories = the subject's share of all stories over the baseline x all stories in the window, at
-- least 0.5; a spike has min_stories, stories / expected >= min_ratio and a Poisson z-score >= min_zscore.
create or replace macro spike_spans(until, since, calendar) as table
with rules as (
    select
        rule_id,
        subject_kind,
        window_hours,
        window_hours * 3600 as width_s,
        baseline_windows,
        seasonal_period,
        seasonal_min_samples,
        min_history_windows,
        min_stories,
        min_ratio,
        min_zscore,
        -- The farthest window back a judged one may read (transforms.alerts.windows_needed).
        greatest(
            baseline_windows,
            case when seasonal_period > 0 then seasonal_period * greatest(seasonal_min_samples, 12) else 0 end
        ) as reach,
        case
            when calendar then to_timestamp((floor(epoch(until) / (window_hours * 3600)) + 1) * window_hours * 3600)
            else until
        end as anchor
    from alert_rules
    where kind = 'spike' and enabled
),

spans as (
    -- How many windows are judged (0 back to the one holding `since`), the oldest moment any baseline of them reads
    -- (in subject_hours), and the oldest article any of them counts.
    select
        *,
        greatest(cast(ceil((epoch(anchor) - epoch(since)) / width_s) as bigint), 1) as judged_windows,
        anchor - to_seconds(
            (greatest(cast(ceil((epoch(anchor) - epoch(since)) / width_s) as bigint), 1) + reach) * width_s
        ) as reach_start,
        -- The oldest moment the judged windows hold (their baselines are read from subject_hours, not articles).
        anchor - to_seconds(greatest(cast(ceil((epoch(anchor) - epoch(since)) / width_s) as bigint), 1) * width_s)
            as judged_start
    from rules
)

select * from spans;

create or replace macro spike_reach(until, since, calendar) as (
    -- The oldest article spike_scores(until, since, calendar) reads, from the stored rules.
    select min(judged_start) from spike_spans(until, since, calendar)
);

create or replace macro spike_scores(until, since, calendar, read_from := null, subject_kinds := null) as table
with spans as (
    -- subject_kinds, when given (say ['person']), leaves the other kinds' rules unjudged and their mentions unread.
    select *
    from spike_spans(until, since, calendar)
    where subject_kinds is null or list_contains(subject_kinds, subject_kind)
),

history as (
    -- Read from the table itself: its statistics answer this without a scan.
    select min(published_at) as first_published_at from articles
),

judged as (
    select spans.*, unnest(range(0, spans.judged_windows)) as window_index
    from spans
),

observed as (
    -- How many windows back from each judged one's baseline anchor (the last whole hour at or before its end) the
    -- warehouse covers (transforms.alerts.observed_windows at transforms.alerts.baseline_anchor).
    select
        judged.*,
        judged.anchor - to_seconds(judged.window_index * judged.width_s) as window_end,
        case
            when history.first_published_at is null
                or history.first_published_at > hour_of(judged.anchor - to_seconds(judged.window_index * judged.width_s))
                then 0
            else ceil(
                (epoch(hour_of(judged.anchor - to_seconds(judged.window_index * judged.width_s)))
                    - epoch(history.first_published_at))
                / judged.width_s
            )
        end as observed_windows
    from judged
    cross join history
),

candidates as (
    -- The offsets each kind of baseline could use (transforms.alerts.baseline_windows_for).
    select
        *,
        case
            when seasonal_period > 0 then list_filter(
                list_transform(range(1, greatest(seasonal_min_samples, 12) + 1), lambda k: k * seasonal_period),
                lambda k: k < observed_windows
            )
            else []
        end as seasonal_offsets,
        list_filter(range(1, baseline_windows + 1), lambda k: k < observed_windows) as trailing_offsets
    from observed
),

chosen as (
    select
        rule_id,
        subject_kind,
        window_hours,
        width_s,
        anchor,
        reach_start,
        window_index,
        window_end,
        min_stories,
        min_ratio,
        min_zscore,
        seasonal_period > 0 and len(seasonal_offsets) >= seasonal_min_samples as seasonal,
        case
            when seasonal_period > 0 and len(seasonal_offsets) >= seasonal_min_samples then seasonal_offsets
            else trailing_offsets
        end as offsets,
        case
            when seasonal_period > 0 and len(seasonal_offsets) >= seasonal_min_samples then seasonal_min_samples
            else least(min_history_windows, baseline_windows)
        end as required_windows
    from candidates
),

baseline_slots as (
    select rule_id, window_hours, subject_kind, window_index, window_index + unnest(offsets) as baseline_index
    from chosen
),

needed as (
    -- The windows judged: only these are counted from the articles (their baselines are read from subject_hours).
    select distinct window_hours, subject_kind, window_index from chosen
),

grids as (
    -- Rules of one width share their windows, so stories are placed once per width (and per subject kind).
    select window_hours, subject_kind, any_value(width_s) as width_s, any_value(anchor) as anchor,
        min(reach_start) as reach_start,
        min(judged_start) as judged_start
    from spans
    group by window_hours, subject_kind
),

placed_articles as (
    -- Every article in a judged window, with that window, once per width. Articles are placed by their own time
    -- before any mention is joined, so only those windows' mentions meet their articles.
    select placed.*
    from (
        select
            grids.window_hours,
            window_number(grids.anchor, grids.window_hours, a.published_at) as window_index,
            a.article_id,
            a.published_at,
            a.story_id
        from base_articles as a
        inner join (select distinct window_hours, width_s, anchor, judged_start from grids) as grids
            on a.published_at >= grids.judged_start
        where a.published_at <= until
          and a.published_at >= coalesce(read_from, '-infinity'::timestamptz)
          and a.published_at >= (select min(judged_start) from grids)
    ) as placed
    semi join (select distinct window_hours, window_index from needed) as wanted using (window_hours, window_index)
),

volume as (
    select window_hours, window_index, count(distinct story_id) as stories
    from placed_articles
    group by all
),

subject_rows as (
    -- The judged kinds' mentions in the span read, by their copy of their article's published_at; those without
    -- the copy are matched on the article alone (windowed_subject_mentions.sql).
    select * from subject_occurrences(
        subject_kinds, coalesce(read_from, '-infinity'::timestamptz) - interval 1 second, until
    )
),

unstamped_rows as (
    select * from unstamped_subject_occurrences(subject_kinds)
),

subject_windows as (
    select window_hours, subject_kind, subject, window_index, count(distinct story_id) as stories
    from (
        select matched.window_hours, matched.subject_kind, matched.subject, matched.window_index, matched.story_id
        from (
            select p.window_hours, m.subject_kind, m.subject, p.window_index, p.story_id, p.published_at
            from subject_rows as m
            inner join placed_articles as p on p.article_id = m.article_id and p.published_at = m.published_at
            union all
            select p.window_hours, m.subject_kind, m.subject, p.window_index, p.story_id, p.published_at
            from unstamped_rows as m
            inner join placed_articles as p on p.article_id = m.article_id
        ) as matched
        inner join grids
            on grids.window_hours = matched.window_hours
            and grids.subject_kind = matched.subject_kind
            and matched.published_at >= grids.judged_start
    ) as placed
    semi join needed using (window_hours, subject_kind, window_index)
    group by all
),

hour_grids as (
    -- Baseline windows count back from the last whole hour at or before the grid's anchor (a calendar anchor is one).
    select distinct window_hours, hour_of(anchor) as hour_anchor, reach_start
    from grids
),

baseline_hours as (
    -- subject_hours' rows in the span the baselines read, placed in their window of each width; subject_kind 'all'
    -- is every story, the volume. The bounds on hour_start let DuckDB skip the row groups outside them.
    select
        hour_grids.window_hours,
        h.subject_kind,
        h.subject,
        window_number(hour_grids.hour_anchor, hour_grids.window_hours, h.hour_start) as baseline_index,
        h.stories
    from subject_hours as h
    inner join hour_grids
        on h.hour_start >= hour_grids.reach_start - interval 1 hour and h.hour_start < hour_grids.hour_anchor
    where h.hour_start < until
      and h.stories > 0
      and (h.subject_kind = 'all' or subject_kinds is null or list_contains(subject_kinds, h.subject_kind))
),

baseline_counts as (
    select window_hours, subject_kind, subject, baseline_index, sum(stories) as stories
    from baseline_hours
    group by all
),

baseline_volume as (
    select slots.rule_id, slots.window_index, sum(counts.stories) as stories
    from baseline_slots as slots
    inner join baseline_counts as counts
        on counts.window_hours = slots.window_hours
        and counts.subject_kind = 'all'
        and counts.baseline_index = slots.baseline_index
    group by all
),

baseline_subjects as (
    select slots.rule_id, slots.window_index, counts.subject, sum(counts.stories) as stories
    from baseline_slots as slots
    inner join baseline_counts as counts
        on counts.window_hours = slots.window_hours
        and counts.subject_kind = slots.subject_kind
        and counts.baseline_index = slots.baseline_index
    group by all
),

subjects as (
    -- Every subject of the rule's kind named in any window the rule reads: judged, or in its baseline.
    select distinct spans.rule_id, counts.subject
    from spans
    inner join subject_windows as counts
        on counts.window_hours = spans.window_hours and counts.subject_kind = spans.subject_kind
    union
    select distinct rule_id, subject
    from baseline_subjects
),

scored as (
    select
        chosen.*,
        subjects.subject,
        coalesce(current_counts.stories, 0) as stories,
        coalesce(current_volume.stories, 0) as all_stories,
        coalesce(history_counts.stories, 0) as history_stories,
        coalesce(baseline_volume.stories, 0) as baseline_volume
    from chosen
    inner join subjects on subjects.rule_id = chosen.rule_id
    left join subject_windows as current_counts
        on current_counts.window_hours = chosen.window_hours
        and current_counts.subject_kind = chosen.subject_kind
        and current_counts.subject = subjects.subject
        and current_counts.window_index = chosen.window_index
    left join volume as current_volume
        on current_volume.window_hours = chosen.window_hours and current_volume.window_index = chosen.window_index
    left join baseline_subjects as history_counts
        on history_counts.rule_id = chosen.rule_id
        and history_counts.window_index = chosen.window_index
        and history_counts.subject = subjects.subject
    left join baseline_volume
        on baseline_volume.rule_id = chosen.rule_id and baseline_volume.window_index = chosen.window_index
),

expected as (
    select
        *,
        case
            when len(offsets) >= required_windows and all_stories > 0 and baseline_volume > 0
                then greatest(history_stories / baseline_volume * all_stories, 0.5)
        end as expected_stories
    from scored
),

final as (
    select
        rule_id,
        subject_kind,
        subject,
        window_hours,
        window_end - to_seconds(width_s) as window_start,
        window_end,
        stories,
        all_stories,
        case
            when len(offsets) < required_windows then 'none'
            when seasonal then 'same-time-of-week'
            else 'trailing'
        end as baseline_kind,
        len(offsets) as baseline_windows,
        history_stories / nullif(len(offsets), 0) as baseline_stories,
        expected_stories,
        stories / expected_stories as ratio,
        (stories - expected_stories) / sqrt(expected_stories) as zscore,
        coalesce(
            stories >= min_stories
            and stories / expected_stories >= min_ratio
            and (stories - expected_stories) / sqrt(expected_stories) >= min_zscore,
            false
        ) as is_spike,
        min_stories,
        min_ratio,
        min_zscore
    from expected
)

select * from final;
