{#- A 64-bit hash of the given columns (nulls included), for finding candidate
    duplicates cheaply: a grouped aggregate on one bigint instead of on every raw
    value. Equal values give equal hashes, but unequal values may collide, so a
    caller must confirm candidates on the values themselves (see
    stg_retail__transaction_lines). -#}
{% macro fast_hash(columns) -%}
    {{ return(adapter.dispatch('fast_hash', 'retail_segments')(columns)) }}
{%- endmacro %}

{% macro default__fast_hash(columns) -%}
    {#- any engine: md5 of the values, null marked (slower, and still only a candidate key) -#}
    {%- set fields = [] -%}
    {%- for column in columns -%}
        {%- do fields.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
        {%- if not loop.last %}{% do fields.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}

{% macro duckdb__fast_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__fast_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}
