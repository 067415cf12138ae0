{#- The on-run-start hook of the DuckDB stage of `run.py build --engine spark`: with
    the var spark_warehouse_path set (the folder of the Spark schema's tables,
    <spark.sql.warehouse.dir>/<schema>.db), each model of the Spark stage (the SQL
    models that a Python model reads, with their parents: selector spark_stage) is
    copied from the Parquet files Spark wrote into a DuckDB table of the same name,
    so that ref() in the DuckDB stage reads what Spark built, and the published
    warehouse holds no view into the Spark folder. Empty var: nothing (every other
    build). The path is data, never SQL: it is written as a string literal, and a
    path with a quote, a glob character or a control character stops the build. -#}
{% macro attach_spark_stage() -%}
    {%- set root = (var('spark_warehouse_path', '') or '') | string -%}
    {%- if not execute or root == '' -%}
        {{ return('') }}
    {%- endif -%}
    {%- if modules.re.search("['*?\\[\\]{}\\x00-\\x1f]", root) -%}
        {{ exceptions.raise_compiler_error(
            "The var spark_warehouse_path " ~ (root | tojson) ~ " holds a quote, a glob character or a "
            ~ "control character: the Spark tables cannot be read from there safely."
        ) }}
    {%- endif -%}
    {%- set root = retail_segments.project_path(root.rstrip('/'), absolute=true) -%}
    {%- set statements = [] -%}
    {%- for node in retail_segments.spark_stage_models() -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- do statements.append(
            'create or replace table ' ~ relation ~ ' as select * from read_parquet('
            ~ retail_segments.string_literal(root ~ '/' ~ node.alias ~ '/*.parquet') ~ ')'
        ) -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}
