-- Who (people and topics) is spiking now, by each enabled spike rule of alert_rules (the alert stage's rules and
-- thresholds, stored by its latest run): the window of the rule's width ending at the latest completed run's clock
-- (or the newest article, before any run). See spike_scores for the rule itself. spikes_at(clock, read_from) judges
-- at any clock (read_from: see spike_scores).
create or replace macro spikes_at(clock, read_from := null) as table
with scored as (
    select *
    from spike_scores(clock, clock, false, read_from := read_from)
),

final as (
    select
        scored.rule_id,
        case scored.window_hours when 1 then 'hour' when 24 then 'day' else scored.window_hours || 'h' end as grain,
        scored.subject_kind,
        scored.subject,
        coalesce(names.name, scored.subject) as subject_name,
        scored.window_start,
        scored.window_end,
        scored.stories,
        scored.all_stories,
        scored.baseline_kind,
        scored.baseline_windows,
        round(scored.baseline_stories, 3) as baseline_stories,
        round(scored.expected_stories, 3) as expected_stories,
        round(scored.ratio, 3) as ratio,
        round(scored.zscore, 3) as zscore,
        scored.is_spike,
        scored.min_stories,
        scored.min_ratio,
        scored.min_zscore
    from scored
    left join base_subjects as names on names.subject_kind = scored.subject_kind and names.subject = scored.subject
)

select * from final;

-- spikes: at the latest completed run's clock (or the newest article's time, before any run).
create or replace view spikes as
select *
from spikes_at(coalesce(
    (select max(as_of) from runs where status = 'completed'),
    (select max(published_at) from articles)
));
