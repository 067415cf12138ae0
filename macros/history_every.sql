{#- The interval of the segment history's extra as-of dates (var history_every),
    validated: empty (only the build's as-of date), `week` (every Sunday), `month`
    (every month end) or `quarter` (every quarter end). Any other value stops the
    build naming the var. -#}
{% macro history_every() -%}
    {%- set every = (var('history_every', '') or '') | string | trim | lower -%}
    {%- if every not in ['', 'week', 'month', 'quarter'] -%}
        {{ exceptions.raise_compiler_error(
            "The var history_every must be empty, week, month or quarter; got "
            ~ (var('history_every') | string | tojson) ~ "."
        ) }}
    {%- endif -%}
    {{ return(every) }}
{%- endmacro %}
