{#- The lines of the transactions files (var transactions_path, a file or a glob)
    that no earlier build read, for the incremental line table (var
    transactions_incremental; base_retail__transaction_lines): each file is read on
    its own (read_transactions: its columns found by name, its encoding detected, its
    lines checked) and tagged with its own path as source_file. Line ids continue
    where the table ends: a file's lines get the ids after the last line of the files
    before it in name order, so a build that reads every file at once and builds that
    add the files one by one give every line the same id.

    A file already in the table is never read again. The build stops, saying what to
    do, when a new file sorts before a file already read (its lines would need ids
    that are taken) or when a file already read is gone (its lines would stay in the
    warehouse); `dbt build --full-refresh` reads every file again. -#}
{% macro read_transactions_by_file() -%}
    {%- set path = retail_segments.project_path(var('transactions_path', '')) -%}
    {%- if not execute or retail_segments.input_shape() != 'line_items' or not path -%}
        {{ return(retail_segments.read_transactions()) }}
    {%- endif -%}
    {%- set files = retail_segments.list_data_files(path) -%}
    {%- if not files -%}
        {#- the usual error: no such file -#}
        {{ return(retail_segments.read_transactions()) }}
    {%- endif -%}

    {%- set read = {} -%}
    {%- if is_incremental() -%}
        {%- set done = run_query(
            'select source_file, max(source_line_number) from ' ~ this ~ ' group by 1 order by 1'
        ) -%}
        {%- for row in done.rows -%}
            {%- do read.update({row[0]: row[1]}) -%}
        {%- endfor -%}
    {%- endif -%}

    {%- set gone = read.keys() | reject('in', files) | list -%}
    {%- if gone -%}
        {{ exceptions.raise_compiler_error(
            "Transactions file '" ~ gone[0] ~ "' was read by an earlier build, but the var "
            ~ "transactions_path ('" ~ path ~ "') no longer names it" ~ (" (nor " ~ (gone | length - 1)
            ~ " other file(s) read before)" if gone | length > 1 else "") ~ ": its lines would stay in "
            ~ "the warehouse. Put the file back, or run dbt build --full-refresh to read only the files "
            ~ "there are."
        ) }}
    {%- endif -%}
    {%- set new_files = files | reject('in', read.keys() | list) | list -%}
    {%- set last_read = (read.keys() | max) if read else none -%}
    {%- if last_read is not none and new_files and new_files[0] < last_read -%}
        {{ exceptions.raise_compiler_error(
            "Transactions file '" ~ new_files[0] ~ "' is new but sorts before '" ~ last_read
            ~ "', which an earlier build read: incremental builds add files in name order, and its "
            ~ "lines would need line ids that are taken. Name new files so that they sort last (e.g. "
            ~ "lines_2011-12.csv), or run dbt build --full-refresh to read every file again."
        ) }}
    {%- endif -%}
    {%- if not new_files -%}
        {{ return(retail_segments.read_transactions(enabled=false)) }}
    {%- endif -%}

    {#- a dict, as a loop cannot carry a variable from one pass to the next -#}
    {%- set last_id = {'value': (read.values() | max) if read else 0} -%}
    {%- set selects = [] -%}
    {%- for file in new_files -%}
        {%- set lines = retail_segments.read_transactions(path=file, line_offset=last_id['value']) -%}
        {%- do selects.append(lines) -%}
        {%- set count = run_query('select count(*) from (' ~ lines ~ ')').columns[0].values()[0] -%}
        {%- do last_id.update({'value': last_id['value'] + count}) -%}
    {%- endfor -%}
    {{ return(selects | join('\nunion all\n')) }}
{%- endmacro %}
