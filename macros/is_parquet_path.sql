{#- True when the path (or glob) names Parquet files (*.parquet, *.parq). -#}
{% macro is_parquet_path(path) -%}
    {{ return((path | lower).endswith('.parquet') or (path | lower).endswith('.parq')) }}
{%- endmacro %}
