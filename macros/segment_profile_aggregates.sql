{#- Inside a `group by segment_id`: the mean (`avg_<column>`) and median
    (`median_<column>`) of each column, each followed by a comma. -#}
{% macro segment_profile_aggregates(columns) -%}
    {%- for column in columns %}
        avg({{ column }}) as avg_{{ column }},
        {{ retail_segments.median(column) }} as median_{{ column }},
    {%- endfor %}
{%- endmacro %}
