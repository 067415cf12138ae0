{#- True when the whole text `expression` matches the regular expression `pattern`
    (a pattern, not SQL). -#}
{% macro regex_full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'retail_segments')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(expression, pattern) -%}
    regexp_like({{ expression }}, {{ retail_segments.string_literal('^(?:' ~ pattern ~ ')$') }})
{%- endmacro %}

{% macro duckdb__regex_full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, {{ retail_segments.string_literal(pattern) }})
{%- endmacro %}

{% macro spark__regex_full_match(expression, pattern) -%}
    ({{ expression }} rlike {{ retail_segments.string_literal('^(?:' ~ pattern ~ ')$') }})
{%- endmacro %}
