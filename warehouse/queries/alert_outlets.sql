-- The outlets that drove each alert: distinct stories per outlet among the alert's articles, its top three.
with counted as (
    select alert_id, outlet, count(distinct story_id) as stories
    from alert_articles
    group by alert_id, outlet
),

final as (
    select *
    from counted
    qualify row_number() over (partition by alert_id order by stories desc, outlet) <= 3
)

select * from final
order by alert_id, stories desc, outlet
