-- The report's clock: the latest completed run's as_of (the demo runs on its own clock), else any run's, else the
-- newest article; with when that run finished and how many runs and articles the warehouse holds. A run judged at
-- a time the machine had not reached (a future --as-of, a clock since set back) comes last: latest_run_clock.sql.
with latest as (
    select as_of, finished_at, started_at
    from runs
    order by status = 'completed' desc, (as_of <= started_at and as_of <= now()) desc, as_of desc, started_at desc
    limit 1
),

final as (
    select
        coalesce((select as_of from latest), (select max(published_at) from articles)) as as_of,
        (select coalesce(finished_at, started_at) from latest) as run_finished_at,
        (select count(*) from runs) as runs,
        (select count(*) from articles) as articles
)

select * from final;
