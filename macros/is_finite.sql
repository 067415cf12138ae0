{#- True when the double `expression` is a number other than NaN and plus or minus
    infinity; null stays null. -#}
{% macro is_finite(expression) -%}
    {{ return(adapter.dispatch('is_finite', 'retail_segments')(expression)) }}
{%- endmacro %}

{% macro default__is_finite(expression) -%}
    ({{ expression }} = {{ expression }} and abs({{ expression }}) < cast('infinity' as {{ dbt.type_float() }}))
{%- endmacro %}

{% macro duckdb__is_finite(expression) -%}
    isfinite({{ expression }})
{%- endmacro %}

{% macro spark__is_finite(expression) -%}
    {#- NaN = NaN is true on Spark -#}
    (not isnan({{ expression }}) and abs({{ expression }}) < double('infinity'))
{%- endmacro %}
