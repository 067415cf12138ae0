{#- Decide how to decode a CSV file. With transactions_encoding = 'auto' the file is
    probed as UTF-8; when any line holds bytes that are not valid UTF-8 (the Kaggle
    copy of Online Retail is latin-1), the whole file is read as latin-1 instead. -#}
{% macro detect_csv_encoding(path, requested) -%}
    {%- set requested = (requested or 'auto') | string | trim | lower -%}
    {%- set known = ['auto', 'utf-8', 'latin-1', 'utf-16'] -%}
    {%- if requested not in known -%}
        {{ exceptions.raise_compiler_error(
            "Unknown transactions_encoding " ~ (requested | tojson) ~ ": use one of "
            ~ known | join(', ') ~ " (auto reads UTF-8 and falls back to latin-1)."
        ) }}
    {%- endif -%}
    {%- if requested != 'auto' -%}
        {{ return(requested) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return('utf-8') }}
    {%- endif -%}
    {%- set probe -%}
        select count(probe) as decoded_lines
        from read_csv(
            {{ retail_segments.string_literal(path) }},
            header = true,
            all_varchar = true,
            encoding = 'utf-8',
            ignore_errors = true,
            store_rejects = true,
            rejects_table = 'transactions_encoding_rejects',
            rejects_scan = 'transactions_encoding_scans'
        ) as probe
    {%- endset -%}
    {%- do run_query(probe) -%}
    {%- set invalid = run_query(
        "select count(*) from transactions_encoding_rejects"
        ~ " where error_type like '%ENCODING%' or error_type like '%UNICODE%'"
    ).columns[0].values()[0] -%}
    {%- do run_query('drop table if exists transactions_encoding_rejects; drop table if exists transactions_encoding_scans') -%}
    {{ return('latin-1' if invalid > 0 else 'utf-8') }}
{%- endmacro %}
