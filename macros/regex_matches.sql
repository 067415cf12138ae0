{#- True when the text `expression` contains a match of the regular expression
    `pattern` (a pattern, not SQL: it is written as a string literal). -#}
{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'retail_segments')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    regexp_like({{ expression }}, {{ retail_segments.string_literal(pattern) }})
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ retail_segments.string_literal(pattern) }})
{%- endmacro %}

{% macro spark__regex_matches(expression, pattern) -%}
    ({{ expression }} rlike {{ retail_segments.string_literal(pattern) }})
{%- endmacro %}
