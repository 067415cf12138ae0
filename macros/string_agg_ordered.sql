{#- The texts of `expression` joined by `delimiter` (SQL text, e.g. "', '") in the
    order `order_by` (SQL, e.g. "lines desc, reason asc"): an aggregate. -#}
{% macro string_agg_ordered(expression, delimiter, order_by) -%}
    {{ return(adapter.dispatch('string_agg_ordered', 'retail_segments')(expression, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__string_agg_ordered(expression, delimiter, order_by) -%}
    listagg({{ expression }}, {{ delimiter }}) within group (order by {{ order_by }})
{%- endmacro %}

{% macro duckdb__string_agg_ordered(expression, delimiter, order_by) -%}
    string_agg({{ expression }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__string_agg_ordered(expression, delimiter, order_by) -%}
    string_agg({{ expression }}, {{ delimiter }}) within group (order by {{ order_by }})
{%- endmacro %}
