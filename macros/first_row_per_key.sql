{#- The first row of `relation` per non-null `key`, by `order_by` (staging keeps the
    first of repeated ids in a file). -#}
{% macro first_row_per_key(relation, key, order_by) -%}
    select *
    from {{ relation }}
    where {{ key }} is not null
    qualify row_number() over (
        partition by {{ key }}
        order by {{ order_by }}
    ) = 1
{%- endmacro %}
