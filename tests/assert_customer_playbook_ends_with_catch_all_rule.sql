-- The last rule of the customer segment playbook matches any segment, so every
-- k-means segment gets a goal and an action whatever its levels.
with

last_rule as (

    select *
    from {{ ref('customer_segment_playbook') }}
    where priority = (select max(priority) from {{ ref('customer_segment_playbook') }})

)

select *
from last_rule
where not (recency_days_level = 'any' and frequency_level = 'any' and monetary_level = 'any')
