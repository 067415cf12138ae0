{#- Locations and hooks of the BI exports (models/exports, materialized external). -#}

{%- macro export_root() -%}
  {#- The absolute folder of var export_path: a relative path resolves against the project
      folder, so the views over the files work from any working directory. -#}
  {%- set root = retail_segments.project_path(
      (var('export_path', 'exports') | string).rstrip('/'), absolute=true) -%}
  {#- dbt-duckdb's external materialization writes the location into SQL between single
      quotes without escaping them: a folder name that holds one cannot be written safely -#}
  {%- if "'" in root or modules.re.search('[\x00-\x1f]', root) -%}
    {{ exceptions.raise_compiler_error(
      "The var export_path gives the export folder " ~ (root | tojson) ~ ", which holds a single quote "
      ~ "or a control character: the exports cannot be written there safely. Set export_path to a "
      ~ "folder without one, e.g. --vars '{export_path: /srv/exports}'."
    ) }}
  {%- endif -%}
  {{- root -}}
{%- endmacro -%}


{%- macro is_absolute_path(path) -%}
  {#- POSIX (/srv/x), Windows drive (C:\x, C:/x) or UNC (\\host\x) paths. -#}
  {{- return(path.startswith('/') or path.startswith('\\') or path[1:2] == ':') -}}
{%- endmacro -%}


{%- macro export_location(name, format) -%}
  {#- `<export_root>/<name>.<format>`. -#}
  {{- retail_segments.export_root() ~ '/' ~ name ~ '.' ~ format -}}
{%- endmacro -%}


{%- macro export_name(relation) -%}
  {#- export_customer_segments -> customer_segments -#}
  {%- set identifier = relation.identifier -%}
  {{- identifier[7:] if identifier.startswith('export_') else identifier -}}
{%- endmacro -%}


{%- macro export_create_directory() -%}
  {#- DuckDB's COPY does not create folders; an empty partitioned COPY does (one level). -#}
  {%- set root = retail_segments.export_root() -%}
  copy (select 1 as _partition, 1 as _value where false)
  to {{ retail_segments.string_literal(root) }} (format csv, partition_by (_partition), overwrite_or_ignore true)
{%- endmacro -%}


{%- macro export_csv_copy(relation) -%}
  {#- The CSV twin of an export model's Parquet file, from the view dbt just created. -#}
  {%- set path = retail_segments.export_location(retail_segments.export_name(relation), 'csv') -%}
  copy (select * from {{ relation }}) to {{ retail_segments.string_literal(path) }} (format csv, header true)
{%- endmacro -%}
