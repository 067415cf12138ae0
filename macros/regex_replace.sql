{#- The text `expression` with the first match of `pattern` replaced by
    `replacement`, in which \1, \2 ... stand for the groups (both are text, not SQL).
    Spark replaces every match: callers anchor their patterns (^ or $), which match
    once. -#}
{% macro regex_replace(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace', 'retail_segments')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ retail_segments.string_literal(pattern) }}, {{ retail_segments.string_literal(replacement) }})
{%- endmacro %}

{% macro spark__regex_replace(expression, pattern, replacement) -%}
    {%- set java_replacement = modules.re.sub('\\\\([0-9])', '$\\1', replacement) -%}
    regexp_replace({{ expression }}, {{ retail_segments.string_literal(pattern) }}, {{ retail_segments.string_literal(java_replacement) }})
{%- endmacro %}
