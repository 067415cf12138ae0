{#- Every key of the parent model appears exactly once in this column, and the
    column holds no key the parent does not have: "every customer (country,
    product) is in exactly one segment". Fails with the offending keys. -#}
{% test one_row_per_key_of(model, column_name, parent, parent_column) %}

with

parent_keys as (

    select {{ parent_column }} as entity_key from {{ parent }}

),

rows_per_key as (

    select
        {{ column_name }} as entity_key,
        count(*) as rows_per_key
    from {{ model }}
    group by 1

)

select
    coalesce(parent_keys.entity_key, rows_per_key.entity_key) as entity_key,
    rows_per_key.rows_per_key

from parent_keys
full outer join rows_per_key
    on parent_keys.entity_key = rows_per_key.entity_key
where rows_per_key.rows_per_key is distinct from 1 or parent_keys.entity_key is null

{% endtest %}
