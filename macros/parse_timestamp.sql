{#- Parse text into a timestamp, trying each strptime format in order; text that
    matches none becomes null (the cleaning models reject such lines). -#}
{% macro parse_timestamp(expression, formats) -%}
    {%- if formats is string or formats is mapping or formats is not iterable -%}
        {{ exceptions.raise_compiler_error(
            "The var transactions_timestamp_formats must be a list of strptime formats, e.g. "
            ~ "['%d/%m/%Y %H:%M']; got " ~ (formats | string | tojson) ~ "."
        ) }}
    {%- endif -%}
    {{ return(adapter.dispatch('parse_timestamp', 'retail_segments')(expression, formats)) }}
{%- endmacro %}

{% macro default__parse_timestamp(expression, formats) -%}
    {{ retail_segments.try_cast_as(expression, dbt.type_timestamp()) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp(expression, formats) -%}
    coalesce(
        {%- for format in formats %}
        try_strptime({{ expression }}, {{ retail_segments.string_literal(format) }}),
        {%- endfor %}
        try_cast({{ expression }} as timestamp)
    )
{%- endmacro %}

{% macro spark__parse_timestamp(expression, formats) -%}
    {#- try_to_timestamp with the formats' Java patterns (macro java_datetime_pattern),
        read in the session time zone (UTC, profiles.yml) -#}
    coalesce(
        {%- for format in formats %}
        try_to_timestamp({{ expression }}, {{ retail_segments.string_literal(retail_segments.java_datetime_pattern(format)) }}),
        {%- endfor %}
        try_cast({{ expression }} as timestamp)
    )
{%- endmacro %}
