{#- A CSV file as raw text lines, one column line_text, the header included: no
    delimiter, quote or escape, lines that cannot be decoded left out. For looking
    at the bytes before the real reader (detect_csv_encoding) and at lines the real
    reader cannot split (check_file_lines). `encoding` is SQL text: a quoted
    literal, or a placeholder the caller replaces. -#}
{% macro raw_csv_lines(path, encoding) -%}
    read_csv(
        {{ retail_segments.string_literal(path) }},
        header = false,
        auto_detect = false,
        columns = {'line_text': 'varchar'},
        delim = chr(1),
        quote = '',
        escape = '',
        encoding = {{ encoding }},
        ignore_errors = true
    )
{%- endmacro %}
