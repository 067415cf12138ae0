{#- The table function that reads the transactions file as text columns:
    read_parquet for *.parquet, otherwise read_csv (plain or gzipped) with the
    given encoding. Every column is read as text; staging parses the types so that
    a bad value rejects one line instead of failing the whole file. -#}
{% macro transactions_file_reader(path, encoding) -%}
    {%- if (path | lower).endswith('.parquet') or (path | lower).endswith('.parq') -%}
        read_parquet('{{ path }}')
    {%- else -%}
        read_csv('{{ path }}', header = true, all_varchar = true, encoding = '{{ encoding }}')
    {%- endif -%}
{%- endmacro %}
