-- The last rule of the customer segment playbook matches any segment, so every
-- k-means segment gets a goal and an action whatever its levels.
with

last_rule as (

    select playbook.*
    from {{ ref('customer_segment_playbook') }} as playbook
    where playbook.priority = (
        select max(all_rules.priority) from {{ ref('customer_segment_playbook') }} as all_rules
    )

)

select *
from last_rule
where not (recency_days_level = 'any' and frequency_level = 'any' and monetary_level = 'any')
