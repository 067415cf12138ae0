{#- Locations and hooks of the BI exports (models/exports, materialized external). -#}

{%- macro export_location(name, format) -%}
  {#- `<var export_path>/<name>.<format>`; a relative export_path resolves against the
      directory dbt runs in (the project folder for `python3 run.py build`). -#}
  {%- set root = var('export_path', 'exports') | string -%}
  {{- root.rstrip('/') ~ '/' ~ name ~ '.' ~ format -}}
{%- endmacro -%}


{%- macro export_name(relation) -%}
  {#- export_customer_segments -> customer_segments -#}
  {%- set identifier = relation.identifier -%}
  {{- identifier[7:] if identifier.startswith('export_') else identifier -}}
{%- endmacro -%}


{%- macro export_create_directory() -%}
  {#- DuckDB's COPY does not create folders; an empty partitioned COPY does (one level). -#}
  {%- set root = (var('export_path', 'exports') | string).rstrip('/') -%}
  copy (select 1 as _partition, 1 as _value where false)
  to '{{ root | replace("'", "''") }}' (format csv, partition_by (_partition), overwrite_or_ignore true)
{%- endmacro -%}


{%- macro export_csv_copy(relation) -%}
  {#- The CSV twin of an export model's Parquet file, from the view dbt just created. -#}
  {%- set path = retail_segments.export_location(retail_segments.export_name(relation), 'csv') -%}
  copy (select * from {{ relation }}) to '{{ path | replace("'", "''") }}' (format csv, header true)
{%- endmacro -%}
