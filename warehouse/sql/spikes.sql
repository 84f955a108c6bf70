-- Who (people and topics) is spiking now, by each enabled spike rule of alert_rules (the alert stage's rules and
-- thresholds, stored by its latest run): the window of the rule's width ending at the latest completed run's clock
-- (or the newest article, before any run). See spike_scores for the rule itself.
create or replace view spikes as
with clock as (
    select coalesce(
        (select max(as_of) from runs where status = 'completed'),
        (select max(published_at) from base_articles)
    ) as as_of
),

scored as (
    select *
    from spike_scores((select as_of from clock), (select as_of from clock), false)
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
