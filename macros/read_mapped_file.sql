{#- Select a data file with its columns renamed to standard names, every value as
    text, plus source_line_number (the row's position in the file), source_file and
    source_encoding. Used by read_transactions, read_orders and read_order_customers.
    With with_unmapped_values (the transactions file), also unmapped_values: the
    file's other columns as one JSON object of text (name: value, null kept), so
    that a line's duplicate key can cover every column of the file.

    Each standard name in `required` + `optional` is found through the var named
    `overrides_var` (e.g. {order_total: "Grand Total"}) or else through `aliases`
    (standard name -> list of recognised names, compared after
    normalize_column_name; earlier aliases win, and one file column maps to at most
    one standard name). Optional columns that are not found are null. A missing
    file or a missing required column stops the build with an error naming the
    file, the missing columns, the columns found and how to map them.

    With enabled = false (the file belongs to the input shape that is not built) no
    file is read: the select has the same columns and zero rows. line_offset (an
    integer) is added to every line number (read_transactions_by_file). -#}
{% macro read_mapped_file(
    path,
    aliases,
    required,
    optional,
    overrides_var,
    label,
    path_var,
    encoding='auto',
    enabled=true,
    not_found_hint='',
    with_unmapped_values=false,
    line_offset=0
) -%}
    {%- set standards = required + optional -%}
    {%- set path = retail_segments.project_path(path) -%}

    {%- if not execute or not enabled -%}
        {%- set placeholders = ['cast(null as ' ~ dbt.type_bigint() ~ ') as source_line_number'] -%}
        {%- for standard in standards -%}
            {%- do placeholders.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ standard) -%}
        {%- endfor -%}
        {%- if with_unmapped_values -%}
            {%- do placeholders.append('cast(null as ' ~ dbt.type_string() ~ ') as unmapped_values') -%}
        {%- endif -%}
        {%- do placeholders.append('cast(null as ' ~ dbt.type_string() ~ ') as source_file') -%}
        {%- do placeholders.append('cast(null as ' ~ dbt.type_string() ~ ') as source_encoding') -%}
        {{ return('select ' ~ placeholders | join(', ') ~ ' where 1 = 0') }}
    {%- endif -%}

    {%- if not path -%}
        {{ exceptions.raise_compiler_error(
            "No " ~ label ~ " file given: the var " ~ path_var ~ " is empty. " ~ not_found_hint
        ) }}
    {%- endif -%}

    {%- set found = retail_segments.count_data_files(path) -%}
    {%- if found == 0 -%}
        {{ exceptions.raise_compiler_error(
            label | capitalize ~ " file not found: '" ~ path ~ "' (var " ~ path_var ~ "). " ~ not_found_hint
        ) }}
    {%- endif -%}

    {%- set is_parquet = retail_segments.is_parquet_path(path) -%}
    {%- set detected = retail_segments.inspect_data_file(path, encoding, label, path_var, is_parquet) -%}
    {%- set encoding = detected['encoding'] -%}
    {%- set reader = retail_segments.transactions_file_reader(path, encoding) -%}
    {%- set file_columns = run_query('describe select * from ' ~ reader).columns[0].values()
        | reject('equalto', 'file_row_number') | list -%}

    {%- set overrides = var(overrides_var, {}) or {} -%}
    {%- if overrides is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "The var " ~ overrides_var ~ " must map standard names to file columns, e.g. "
            ~ "{" ~ standards[0] ~ ": \"Your Column\"}; got " ~ (overrides | string | tojson) ~ "."
        ) }}
    {%- endif -%}
    {%- set mapping = {} -%}
    {%- set used = [] -%}
    {#- explicit mappings first, so that an alias never takes a column the user named -#}
    {%- for standard in standards if standard in overrides -%}
        {%- if overrides[standard] not in file_columns -%}
            {{ exceptions.raise_compiler_error(
                overrides_var ~ " maps " ~ standard ~ " to '" ~ overrides[standard]
                ~ "', but " ~ path ~ " has no such column. Columns found: " ~ file_columns | join(', ')
            ) }}
        {%- endif -%}
        {%- do mapping.update({standard: overrides[standard]}) -%}
        {%- do used.append(overrides[standard]) -%}
    {%- endfor -%}
    {%- for standard in standards if standard not in mapping -%}
        {%- for alias in aliases[standard] -%}
            {%- for column in file_columns -%}
                {%- if standard not in mapping
                    and column not in used
                    and retail_segments.normalize_column_name(column) == alias -%}
                    {%- do mapping.update({standard: column}) -%}
                    {%- do used.append(column) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}

    {%- set missing = [] -%}
    {%- for standard in required if standard not in mapping -%}
        {%- do missing.append(standard) -%}
    {%- endfor -%}
    {%- if missing -%}
        {%- set recognised = [] -%}
        {%- for standard in missing -%}
            {%- do recognised.append(standard ~ ': ' ~ aliases[standard] | join('/')) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "Cannot read " ~ label ~ " file '" ~ path ~ "': no column found for "
            ~ missing | join(', ') ~ ". Columns found: " ~ file_columns | join(', ') ~ ". "
            ~ "Rename the columns, or map them with --vars '{" ~ overrides_var ~ ": {"
            ~ missing[0] ~ ": \"Your Column\"}}'. Recognised names (compared in lower case, "
            ~ "letters and digits only): " ~ recognised | join('; ')
            ~ (". The file was read as one column: its delimiter may be one the reader did not "
                ~ "recognise, or its first lines are malformed" if file_columns | length == 1 else "")
        ) }}
    {%- endif -%}

    select
        {% if line_offset %}{{ line_offset }} + {% endif -%}
        {{ retail_segments.source_row_number(is_parquet and found == 1) }} as source_line_number,
        {%- for standard in standards %}
        {% if standard in mapping -%}
        cast({{ retail_segments.quoted_identifier(mapping[standard]) }} as {{ dbt.type_string() }})
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as {{ standard }},
        {%- endfor %}
        {%- if with_unmapped_values %}
        {%- set unmapped = file_columns | reject('in', mapping.values() | list) | list %}
        {% if unmapped -%}
        {{ retail_segments.json_object_text(unmapped) }}
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as unmapped_values,
        {%- endif %}
        {{ retail_segments.string_literal(path) }} as source_file,
        {{ retail_segments.string_literal(encoding) }} as source_encoding
    from {{ reader }}
{%- endmacro %}
