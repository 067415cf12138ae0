{#- The published profile columns of a segment table, each followed by a comma:
    `avg_<column>` and `median_<column>` from the aggregates (rounded to 4
    decimals), then for each clustering feature its centroid in original units and
    its level (low / mid / high). -#}
{% macro segment_profile_columns(profiles, centroids, columns, features) -%}
    {%- for column in columns %}
        round(cast({{ profiles }}.avg_{{ column }} as double), 4) as avg_{{ column }},
        round(cast({{ profiles }}.median_{{ column }} as double), 4) as median_{{ column }},
    {%- endfor %}
    {%- for feature in features %}
        round({{ centroids }}.centroid_{{ feature }}, 4) as centroid_{{ feature }},
        {{ centroids }}.{{ feature }}_level,
    {%- endfor %}
{%- endmacro %}
