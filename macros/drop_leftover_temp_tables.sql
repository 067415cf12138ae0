{#- Drops the `<model>__dbt_tmp...` tables an incremental Python model leaves behind
    (a post-hook). dbt-duckdb stages each incremental run of a Python model in a
    real table named after the model, then drops it only where the staging table is
    not temporary, which on a local DuckDB file it assumes: without this hook a
    build that runs the model incrementally leaves one such table per run in the
    warehouse BI tools read. Returns SQL that does nothing: the drops run here. -#}
{% macro drop_leftover_temp_tables(relation) -%}
    {%- if execute -%}
        {%- set schema = api.Relation.create(database=relation.database, schema=relation.schema) -%}
        {%- set prefix = relation.identifier ~ '__dbt_tmp' -%}
        {%- for row in list_relations_without_caching(schema) -%}
            {%- if row['name'].startswith(prefix) and row['type'] == 'table' -%}
                {%- do adapter.drop_relation(api.Relation.create(
                    database=row['database'], schema=row['schema'], identifier=row['name'], type='table'
                )) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
