{#- Stop the build with an error that says what is wrong with a data file, before any
    SQL reads it: an empty file (no header, e.g. 0 bytes), a file with a header but
    no data line, or (CSV) a line whose fields do not match the header, named by its
    line number and text, and the first line with an unbalanced quote, if any (such a
    quote can mislead the reader, which then names a good line). When the only bad
    line is the last one of a gzipped file, the file was cut short (an interrupted
    download or copy) and the error says so. `detected` is detect_csv_encoding's result (for Parquet, probe none: its rows are
    counted from its metadata). -#}
{% macro check_file_lines(path, label, path_var, detected) -%}
    {%- set name = label | capitalize ~ " file '" ~ path ~ "' (var " ~ path_var ~ ")" -%}
    {%- set probe = detected['probe'] -%}
    {%- set is_gzip = (path | lower).endswith('.gz') -%}
    {%- if probe is none -%}
        {%- set lines = run_query(
            'select count(*) from read_parquet(' ~ retail_segments.string_literal(path) ~ ')'
        ).columns[0].values()[0] -%}
    {%- else -%}
        {%- set lines = probe['lines'] -%}
    {%- endif -%}
    {%- if lines == 0 and not detected['has_first_line'] -%}
        {{ exceptions.raise_compiler_error(
            name ~ " is empty: it has no header line and no data"
            ~ (" (or it was cut short before its first line)" if is_gzip else "")
            ~ ". Export the file again, or point " ~ path_var ~ " at the right file."
        ) }}
    {%- elif lines == 0 -%}
        {{ exceptions.raise_compiler_error(
            name ~ " has a header line but no data lines: there is nothing to build. Export the "
            ~ "file again with its rows, or point " ~ path_var ~ " at the right file."
        ) }}
    {%- endif -%}
    {%- if probe is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if is_gzip and probe['only_the_last_line_is_bad'] -%}
        {{ exceptions.raise_compiler_error(
            name ~ " is truncated: its last line (line " ~ (lines + 1) ~ ", the header is line 1) "
            ~ "is incomplete or unreadable, as when a gzipped file is cut short by an interrupted "
            ~ "download or copy; " ~ (lines - 1) ~ " complete data lines precede it. Download or copy the "
            ~ "file again (gzip -t checks it)."
        ) }}
    {%- endif -%}
    {%- if probe['malformed_lines'] > 0 -%}
        {%- set odd_quotes -%}
            select
                min(line_number) as first_line,
                arg_min(left(line_text, 120), line_number) as first_text
            from (
                select
                    row_number() over () as line_number,
                    line_text
                from {{ retail_segments.raw_csv_lines(path, retail_segments.string_literal(detected['encoding'])) }}
            )
            where (length(line_text) - length(replace(line_text, '"', ''))) % 2 = 1
        {%- endset -%}
        {%- do run_query(retail_segments.set_preserve_insertion_order(true)) -%}
        {%- set odd = run_query(odd_quotes).rows[0] -%}
        {%- do run_query(retail_segments.set_preserve_insertion_order(false)) -%}
        {%- set odd_note = "" if odd[0] is none else (
            " Line " ~ odd[0] ~ " has an unbalanced \" (an odd number of quotes): " ~ (odd[1] | tojson) ~ "."
        ) -%}
        {{ exceptions.raise_compiler_error(
            name ~ ": " ~ probe['malformed_lines'] ~ " line(s) do not have the header's fields ("
            ~ probe['first_malformed_error'] | lower ~ "), the first is line " ~ probe['first_malformed_line']
            ~ " (the header is line 1): " ~ (probe['first_malformed_text'] | tojson) ~ ". Check the "
            ~ "delimiter and the quoting around that line: an unbalanced \" or a field holding an "
            ~ "unquoted delimiter shifts the fields." ~ odd_note ~ " Nothing was built."
        ) }}
    {%- endif -%}
{%- endmacro %}
