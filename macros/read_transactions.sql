{#- Select the transactions file (var transactions_path) with its columns renamed to
    the standard names: invoice_no, stock_code, description, quantity, invoice_date,
    unit_price, customer_id, country (all text). Columns are found by name through
    transactions_column_aliases() or the var transactions_columns; a file whose
    required columns cannot be found stops the build with an error that lists what
    is missing and what the file has. -#}
{% macro read_transactions() -%}
    {%- set path = var('transactions_path') -%}
    {%- set required = ['invoice_no', 'stock_code', 'quantity', 'invoice_date', 'unit_price', 'customer_id'] -%}
    {%- set optional = ['description', 'country'] -%}
    {%- if not execute -%}
        {%- set placeholders = [] -%}
        {%- for standard in required + optional -%}
            {%- do placeholders.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ standard) -%}
        {%- endfor -%}
        {{ return('select ' ~ placeholders | join(', ') ~ ", '' as source_file, '' as source_encoding") }}
    {%- endif -%}

    {%- set found = run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Transactions file not found: '" ~ path ~ "' (var transactions_path). "
            ~ "Generate the demo data with `python3 run.py build`, or pass your own file: "
            ~ "dbt build --vars '{transactions_path: path/to/file.csv}'."
        ) }}
    {%- endif -%}

    {%- set encoding = retail_segments.detect_csv_encoding(path, var('transactions_encoding', 'auto')) -%}
    {%- set reader = retail_segments.transactions_file_reader(path, encoding) -%}
    {%- set file_columns = run_query('describe select * from ' ~ reader).columns[0].values() -%}

    {%- set overrides = var('transactions_columns', {}) or {} -%}
    {%- set aliases = retail_segments.transactions_column_aliases() -%}
    {%- set mapping = {} -%}
    {%- for standard in required + optional -%}
        {%- if standard in overrides -%}
            {%- if overrides[standard] not in file_columns -%}
                {{ exceptions.raise_compiler_error(
                    "transactions_columns maps " ~ standard ~ " to '" ~ overrides[standard]
                    ~ "', but " ~ path ~ " has no such column. Columns found: " ~ file_columns | join(', ')
                ) }}
            {%- endif -%}
            {%- do mapping.update({standard: overrides[standard]}) -%}
        {%- else -%}
            {%- for column in file_columns -%}
                {%- if standard not in mapping and retail_segments.normalize_column_name(column) in aliases[standard] -%}
                    {%- do mapping.update({standard: column}) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set missing = [] -%}
    {%- for standard in required if standard not in mapping -%}
        {%- do missing.append(standard) -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "Cannot read transactions file '" ~ path ~ "': no column found for "
            ~ missing | join(', ') ~ ". Columns found: " ~ file_columns | join(', ') ~ ". "
            ~ "Rename the columns, or map them with --vars '{transactions_columns: {"
            ~ missing[0] ~ ": \"Your Column\"}}'. Recognised names: "
            ~ missing | map('extract', aliases) | map('join', '/') | join('; ')
        ) }}
    {%- endif -%}

    select
        {{ retail_segments.source_row_number() }} as source_line_number,
        {%- for standard in required + optional %}
        {% if standard in mapping -%}
        cast({{ adapter.quote(mapping[standard]) }} as {{ dbt.type_string() }})
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as {{ standard }},
        {%- endfor %}
        '{{ path }}' as source_file,
        '{{ encoding }}' as source_encoding
    from {{ reader }}
{%- endmacro %}
