{#- Customer ids arrive as "17850", "17850.0" (a float export) or "0017" (zero-padded
    text). Whole numbers are written without decimals or leading zeros so that every
    input (transactions, attributes, orders) joins on the same id; any other text id
    is kept as it is, trimmed; blank becomes null. -#}
{% macro normalize_customer_id(expression) -%}
    {{ return(adapter.dispatch('normalize_customer_id', 'retail_segments')(expression)) }}
{%- endmacro %}

{% macro default__normalize_customer_id(expression) -%}
    {#- on the text: a cast through decimal(38, 0) cost ~8 s per million lines -#}
    case
        when {{ retail_segments.regex_full_match('trim(' ~ expression ~ ')', '[0-9]+(\\.0+)?') }}
            then coalesce(
                nullif({{ retail_segments.trim_leading(retail_segments.regex_replace('trim(' ~ expression ~ ')', '\\.0+$', ''), "'0'") }}, ''),
                '0'
            )
        else nullif(trim({{ expression }}), '')
    end
{%- endmacro %}
