{#- One scan of a CSV file at compile time, read as the reader will read it but with
    bad lines set aside instead of failing: the number of data lines read, the lines
    that could not be decoded in `encoding` and the lines whose fields do not match
    the header (too few or too many, an unbalanced quote), each with the first one's
    line number in the file (the header is line 1). With count_non_ascii, also the
    decoded lines holding non-ASCII text (valid multi-byte UTF-8 when read as
    UTF-8): a second pass only detect_csv_encoding needs, for files that are not
    valid UTF-8. `lines` counts every data line, good or bad;
    `only_the_last_line_is_bad` is how a gzipped file cut short shows (its last line
    is partial, or garbage that is no text). The reject tables are the connection's
    and are dropped after. -#}
{% macro probe_csv_file(path, encoding, count_non_ascii=false) -%}
    {%- set suffix = modules.re.sub('[^a-z0-9]+', '_', encoding | lower) ~ '_' ~ (modules.datetime.datetime.now().microsecond) -%}
    {%- set rejects = 'csv_probe_rejects_' ~ suffix -%}
    {%- set scans = 'csv_probe_scans_' ~ suffix -%}
    {%- set probe -%}
        -- count(probe), not count(*): a scan that reads no column decodes nothing
        select
            count(probe) as decoded_lines,
            {% if count_non_ascii -%}
            count(*) filter (where regexp_matches(cast(probe as {{ dbt.type_string() }}), '[^\x00-\x7f]'))
            {%- else -%}
            cast(null as {{ dbt.type_bigint() }})
            {%- endif %} as non_ascii_lines
        from read_csv(
            {{ retail_segments.string_literal(path) }},
            header = true,
            all_varchar = true,
            encoding = {{ retail_segments.string_literal(encoding) }},
            ignore_errors = true,
            store_rejects = true,
            rejects_table = {{ retail_segments.string_literal(rejects) }},
            rejects_scan = {{ retail_segments.string_literal(scans) }}
        ) as probe
    {%- endset -%}
    {%- set counts = run_query(probe).rows[0] -%}
    {%- set rejected -%}
        with

        rejected_lines as (

            select
                line,
                error_type,
                csv_line,
                error_type = 'INVALID ENCODING' as is_encoding_error

            from {{ rejects }}

        ),

        final as (

            select
                count(distinct line) filter (where is_encoding_error) as encoding_error_lines,
                min(line) filter (where is_encoding_error) as first_encoding_error_line,
                count(distinct line) filter (where not is_encoding_error) as malformed_lines,
                min(line) filter (where not is_encoding_error) as first_malformed_line,
                count(distinct line) as bad_lines,
                min(line) as first_bad_line,
                arg_min(error_type, line) filter (where not is_encoding_error) as first_malformed_error,
                arg_min(left(csv_line, 120), line) filter (where not is_encoding_error) as first_malformed_text

            from rejected_lines

        )

        select * from final
    {%- endset -%}
    {%- set errors = run_query(rejected).rows[0] -%}
    {%- do run_query('drop table if exists ' ~ rejects ~ '; drop table if exists ' ~ scans) -%}
    {{ return({
        'decoded_lines': counts[0] | int,
        'non_ascii_lines': counts[1],
        'encoding_error_lines': errors[0] | int,
        'first_encoding_error_line': errors[1],
        'malformed_lines': errors[2] | int,
        'first_malformed_line': errors[3],
        'first_malformed_error': errors[6],
        'first_malformed_text': errors[7],
        'lines': counts[0] | int + errors[4] | int,
        'only_the_last_line_is_bad': errors[4] | int == 1 and errors[5] == counts[0] | int + 2,
    }) }}
{%- endmacro %}
