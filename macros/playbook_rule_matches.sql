{#- True when a playbook rule (levels low / mid / high or `any`) matches a segment's
    feature levels. A level column the segment does not have (the feature is not
    among the configured features) counts as mid: nothing sets the segment apart
    on it, so it matches `mid` and `any`. -#}
{% macro playbook_rule_matches(rule, segment, features, available_features) -%}
    {%- for feature in features %}
    {% if not loop.first %}and {% endif -%}
    (
        {{ rule }}.{{ feature }}_level = 'any'
        {%- if feature in available_features %}
        or {{ rule }}.{{ feature }}_level = {{ segment }}.{{ feature }}_level
        {%- else %}
        or {{ rule }}.{{ feature }}_level = 'mid'
        {%- endif %}
    )
    {%- endfor %}
{%- endmacro %}
