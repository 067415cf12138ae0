{#- The first line (the header is line 1) of a plain, uncompressed file that holds a
    byte 80-9F, or none. Those bytes are control codes in latin-1, which DuckDB's
    latin-1 reader refuses for the whole file, and letters in Windows-1252 (curly
    quotes, the euro sign, dashes: Excel's "ANSI" CSV). Reads the raw bytes
    (read_blob), so it only runs for files that are not UTF-8; a gzipped file is
    not looked into (none). -#}
{% macro first_windows_1252_line(path) -%}
    {%- if (path | lower).endswith('.gz') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        with

        bytes as (

            select hex(content) as hex_text
            from read_blob({{ retail_segments.string_literal(path) }})

        ),

        first_match as (

            select
                regexp_matches(hex_text, '^(?:..)*?[89][0-9A-F]') as is_found,
                regexp_extract(hex_text, '^((?:..)*?)[89][0-9A-F]', 1) as bytes_before

            from bytes

        ),

        final as (

            select
                case
                    when is_found
                        then 1 + list_count(
                            list_filter(regexp_extract_all(bytes_before, '..'), byte -> byte = '0A')
                        )
                end as line_number

            from first_match

        )

        select * from final
    {%- endset -%}
    {%- set rows = run_query(query).rows -%}
    {{ return(rows[0][0] if rows else none) }}
{%- endmacro %}
