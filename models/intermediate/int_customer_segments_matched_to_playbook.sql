{%- set features = retail_segments.column_names_var('customer_segment_features') -%}
{%- set playbook_features = ['recency_days', 'frequency', 'monetary'] -%}
-- One row per k-means customer segment: the goal and recommended action of the
-- first playbook rule (seed customer_segment_playbook, by priority) that matches
-- the segment's feature levels.
with

segments as (

    select * from {{ ref('int_customer_segments_fitted') }}

),

playbook as (

    select * from {{ ref('customer_segment_playbook') }}

),

matches as (

    select
        segments.segment_id,
        playbook.priority,
        playbook.goal,
        playbook.recommended_action,
        row_number() over (
            partition by segments.segment_id
            order by playbook.priority
        ) as match_rank

    from segments
    inner join playbook
        on {{ retail_segments.playbook_rule_matches('playbook', 'segments', playbook_features, features) }}

),

final as (

    select
        segment_id,
        priority as playbook_priority,
        goal,
        recommended_action

    from matches
    where match_rank = 1

)

select * from final
