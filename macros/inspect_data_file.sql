{#- How to read the data file `path` before any model reads it: {'encoding': ...,
    'probe': ..., 'has_first_line': ...} as detect_csv_encoding returns it. On
    DuckDB a CSV file's encoding is detected (detect_csv_encoding) and an empty,
    header-only, truncated or malformed file stops the build (check_file_lines).
    Spark reads the file with the encoding asked for (auto: UTF-8) and checks
    nothing before it reads. -#}
{% macro inspect_data_file(path, encoding, label, path_var, is_parquet) -%}
    {{ return(adapter.dispatch('inspect_data_file', 'retail_segments')(path, encoding, label, path_var, is_parquet)) }}
{%- endmacro %}

{% macro default__inspect_data_file(path, encoding, label, path_var, is_parquet) -%}
    {#- Parquet text is UTF-8 by definition: only CSV files are probed -#}
    {%- set detected = {'encoding': 'utf-8', 'probe': none, 'has_first_line': true} if is_parquet
        else retail_segments.detect_csv_encoding(path, encoding, label) -%}
    {%- do retail_segments.check_file_lines(path, label, path_var, detected) -%}
    {{ return(detected) }}
{%- endmacro %}

{% macro spark__inspect_data_file(path, encoding, label, path_var, is_parquet) -%}
    {%- set requested = (encoding or 'auto') | string | trim | lower -%}
    {%- if requested not in ['auto', 'utf-8', 'latin-1', 'utf-16'] -%}
        {{ exceptions.raise_compiler_error(
            "Unknown transactions_encoding " ~ (requested | tojson) ~ ": use one of auto, utf-8, latin-1, utf-16."
        ) }}
    {%- endif -%}
    {{ return({
        'encoding': 'utf-8' if is_parquet or requested == 'auto' else requested,
        'probe': none,
        'has_first_line': true,
    }) }}
{%- endmacro %}
