{#- The var currency as an upper-case ISO 4217 code (three letters); anything else
    stops the build naming the var. -#}
{% macro currency_code() -%}
    {%- set code = (var('currency', 'GBP') or 'GBP') | string | trim | upper -%}
    {%- if not modules.re.fullmatch('[A-Z]{3}', code) -%}
        {{ exceptions.raise_compiler_error(
            "The var currency must be a three-letter ISO 4217 code such as GBP, EUR or USD, got '"
            ~ var('currency') ~ "'."
        ) }}
    {%- endif -%}
    {{ return(code) }}
{%- endmacro %}
