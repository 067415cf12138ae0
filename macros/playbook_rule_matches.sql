{#- True when a playbook rule (levels low / mid / high or `any`) matches a segment's
    feature levels. A level column the segment does not have (the feature is not
    among the configured features) only matches `any`. -#}
{% macro playbook_rule_matches(rule, segment, features, available_features) -%}
    {%- for feature in features %}
    {% if not loop.first %}and {% endif -%}
    (
        {{ rule }}.{{ feature }}_level = 'any'
        {%- if feature in available_features %}
        or {{ rule }}.{{ feature }}_level = {{ segment }}.{{ feature }}_level
        {%- endif %}
    )
    {%- endfor %}
{%- endmacro %}
