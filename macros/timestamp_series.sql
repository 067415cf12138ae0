{#- A set-returning select expression: one row per timestamp from `start` to `stop`
    (both SQL timestamps, inclusive) in steps of one `unit` (see interval_of). -#}
{% macro timestamp_series(start, stop, unit) -%}
    {{ return(adapter.dispatch('timestamp_series', 'retail_segments')(start, stop, unit)) }}
{%- endmacro %}

{% macro default__timestamp_series(start, stop, unit) -%}
    unnest(generate_series(
            {{ start }},
            {{ stop }},
            {{ retail_segments.interval_of(unit) }}
        ))
{%- endmacro %}

{% macro spark__timestamp_series(start, stop, unit) -%}
    explode(sequence({{ start }}, {{ stop }}, {{ retail_segments.interval_of(unit) }}))
{%- endmacro %}
