{#- Days in the time unit of the customer-value summaries (macro clv_time_unit):
    1 for `days`, 7 for `weeks`. -#}
{% macro clv_time_unit_days() -%}
    {{ return({'days': 1, 'weeks': 7}[retail_segments.clv_time_unit()]) }}
{%- endmacro %}
