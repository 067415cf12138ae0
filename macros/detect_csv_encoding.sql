{#- How to decode a CSV file, decided per file and never silently mixed. Returns
    {'encoding': ..., 'probe': probe_csv_file's counts in that encoding,
    'has_first_line': false for an empty file}.

    - A UTF-16 byte-order mark (FF FE) reads the file as utf-16; big-endian UTF-16
      (FE FF), or NUL bytes in the first line without a mark, stop the build with an
      error saying how to convert the file.
    - `auto`: a file that is valid UTF-8 is read as UTF-8. A file with bytes that are
      not UTF-8 and no valid multi-byte UTF-8 letter anywhere (a latin-1 export such
      as the Kaggle copy of Online Retail) is read as latin-1, with a warning naming
      the first such line; a plain file with bytes latin-1 cannot decode either
      (80-9F: Windows-1252 curly quotes, euro sign, dashes) stops the build saying
      how to convert it to UTF-8 (see first_windows_1252_line). A file with both (valid `España` on one line, a latin-1
      byte on another) stops the build: either reading would garble some lines.
    - `utf-8` on a file that is not valid UTF-8 stops the build naming the line;
      `latin-1` and `utf-16` are read as asked.
    Line numbers count the header as line 1. -#}
{% macro detect_csv_encoding(path, requested, label='transactions') -%}
    {%- set first_line_sql -%}
        select
            unicode(line_text[1]) as first_code,
            unicode(line_text[2]) as second_code,
            strpos(line_text, chr(0)) > 0 as has_nul
        from {{ retail_segments.raw_csv_lines(path, '__encoding__') }}
        limit 1
    {%- endset -%}
    {%- set requested = (requested or 'auto') | string | trim | lower -%}
    {%- set known = ['auto', 'utf-8', 'latin-1', 'utf-16'] -%}
    {%- if requested not in known -%}
        {{ exceptions.raise_compiler_error(
            "Unknown transactions_encoding " ~ (requested | tojson) ~ ": use one of "
            ~ known | join(', ') ~ " (auto reads UTF-8, or latin-1 when the file has no valid UTF-8 letter)."
        ) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return({'encoding': 'utf-8' if requested == 'auto' else requested, 'probe': none, 'has_first_line': true}) }}
    {%- endif -%}
    {%- set how_to_set = "set the encoding with --vars '{transactions_encoding: latin-1}' (or utf-8, utf-16)" -%}

    {#- NUL bytes in the first lines: UTF-16 (ASCII letters become a byte and a NUL) -#}
    {%- set first = run_query(first_line_sql | replace('__encoding__', "'utf-8'")).rows -%}
    {%- set has_first_line = first | length > 0 -%}
    {%- if has_first_line and first[0][2] -%}
        {#- then the byte-order mark, the first line read as single bytes (latin-1, only now:
            DuckDB's latin-1 rejects the bytes 80-9F that UTF-8 text holds) -#}
        {%- set marked = run_query(first_line_sql | replace('__encoding__', "'latin-1'")).rows -%}
        {%- set mark = [marked[0][0], marked[0][1]] if marked else [none, none] -%}
        {%- if mark == [254, 255] -%}
            {{ exceptions.raise_compiler_error(
                label | capitalize ~ " file '" ~ path ~ "' is UTF-16 big-endian (byte-order mark FE FF), "
                ~ "which the reader cannot decode. Convert it, e.g. iconv -f UTF-16BE -t UTF-8 file > file.utf8.csv, "
                ~ "or save it as UTF-8 or UTF-16 little-endian."
            ) }}
        {%- elif mark == [255, 254] and requested not in ['auto', 'utf-16'] -%}
            {{ exceptions.raise_compiler_error(
                label | capitalize ~ " file '" ~ path ~ "' is UTF-16 (byte-order mark FF FE), but "
                ~ "transactions_encoding is " ~ requested ~ ": set --vars '{transactions_encoding: utf-16}' or auto."
            ) }}
        {%- elif mark == [255, 254] -%}
            {%- set requested = 'utf-16' -%}
        {%- elif requested != 'utf-16' -%}
            {{ exceptions.raise_compiler_error(
                label | capitalize ~ " file '" ~ path ~ "' has NUL bytes in its first line: it looks like UTF-16 "
                ~ "without a byte-order mark. Save it as UTF-8, or as UTF-16 little-endian and set "
                ~ "--vars '{transactions_encoding: utf-16}'."
            ) }}
        {%- endif -%}
    {%- endif -%}

    {%- if requested != 'auto' -%}
        {%- set probe = retail_segments.probe_csv_file(path, requested) -%}
        {%- if probe['encoding_error_lines'] > 0 -%}
            {{ exceptions.raise_compiler_error(
                label | capitalize ~ " file '" ~ path ~ "' is not valid " ~ requested ~ ": "
                ~ probe['encoding_error_lines'] ~ " line(s) cannot be decoded, the first is line "
                ~ probe['first_encoding_error_line'] ~ " (the header is line 1). Fix the file, or "
                ~ how_to_set ~ "; auto detects it."
            ) }}
        {%- endif -%}
        {{ return({'encoding': requested, 'probe': probe, 'has_first_line': has_first_line}) }}
    {%- endif -%}

    {%- set probe = retail_segments.probe_csv_file(path, 'utf-8') -%}
    {%- set cut_short = (path | lower).endswith('.gz') and probe['only_the_last_line_is_bad'] -%}
    {%- if probe['encoding_error_lines'] == 0 or cut_short -%}
        {#- a gzipped file cut short ends in garbage: check_file_lines says so -#}
        {{ return({'encoding': 'utf-8', 'probe': probe, 'has_first_line': has_first_line}) }}
    {%- endif -%}
    {%- set utf8_letters = retail_segments.probe_csv_file(path, 'utf-8', count_non_ascii=true)['non_ascii_lines'] -%}
    {%- if utf8_letters > 0 -%}
        {{ exceptions.raise_compiler_error(
            label | capitalize ~ " file '" ~ path ~ "' mixes encodings: " ~ utf8_letters ~ " line(s) hold valid "
            ~ "UTF-8 letters (such as España), while " ~ probe['encoding_error_lines'] ~ " line(s) hold bytes "
            ~ "that are not UTF-8, the first at line " ~ probe['first_encoding_error_line']
            ~ " (the header is line 1). Either reading garbles some lines, so nothing was built. "
            ~ "Fix those lines, or " ~ how_to_set ~ " to read every line in one encoding."
        ) }}
    {%- endif -%}
    {%- set windows_line = retail_segments.first_windows_1252_line(path) -%}
    {%- if windows_line is not none -%}
        {{ exceptions.raise_compiler_error(
            label | capitalize ~ " file '" ~ path ~ "' is neither UTF-8 nor latin-1: line "
            ~ windows_line ~ " (the header is line 1) holds a byte 80-9F, most likely Windows-1252 "
            ~ "(curly quotes, the euro sign, dashes; Excel's \"ANSI\" CSV), which the reader cannot "
            ~ "decode. Convert the file to UTF-8 first, e.g. iconv -f CP1252 -t UTF-8 file.csv > "
            ~ "file.utf8.csv, or save it from Excel as \"CSV UTF-8\"."
        ) }}
    {%- endif -%}
    {%- do exceptions.warn(
        label | capitalize ~ " file '" ~ path ~ "' is not UTF-8: " ~ probe['encoding_error_lines']
        ~ " line(s) hold bytes that are not UTF-8, the first at line " ~ probe['first_encoding_error_line']
        ~ " (the header is line 1), and no line holds a UTF-8 letter, so it is read as latin-1. "
        ~ "To say so and silence this warning, set --vars '{transactions_encoding: latin-1}'; "
        ~ "a file in another single-byte encoding must be converted to UTF-8 first."
        ~ (" If the reader then stops with \"File is not latin-1 encoded\", this gzipped file holds "
           ~ "a byte 80-9F, most likely Windows-1252 (curly quotes, the euro sign, dashes): convert it, "
           ~ "e.g. gunzip -c file.csv.gz | iconv -f CP1252 -t UTF-8 | gzip > file.utf8.csv.gz; "
           ~ "python3 run.py build names the line." if (path | lower).endswith('.gz') else "")
    ) -%}
    {{ return({
        'encoding': 'latin-1',
        'probe': retail_segments.probe_csv_file(path, 'latin-1'),
        'has_first_line': has_first_line,
    }) }}
{%- endmacro %}
