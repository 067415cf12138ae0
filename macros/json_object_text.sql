{#- One JSON object as text, {"name": value, ...}, of the given file columns (their
    names; the values cast to text, nulls written as null), in the order given. -#}
{% macro json_object_text(columns) -%}
    {{ return(adapter.dispatch('json_object_text', 'retail_segments')(columns)) }}
{%- endmacro %}

{% macro default__json_object_text(columns) -%}
    cast(json_object(
            {%- for column in columns %}
            {{ retail_segments.string_literal(column) }},
            cast({{ retail_segments.quoted_identifier(column) }} as {{ dbt.type_string() }}){{ ',' if not loop.last }}
            {%- endfor %}
        ) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__json_object_text(columns) -%}
    to_json(
        named_struct(
            {%- for column in columns %}
            {{ retail_segments.string_literal(column) }},
            cast({{ retail_segments.quoted_identifier(column) }} as {{ dbt.type_string() }}){{ ',' if not loop.last }}
            {%- endfor %}
        ),
        map('ignoreNullFields', 'false')
    )
{%- endmacro %}
