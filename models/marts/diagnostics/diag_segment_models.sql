-- One row per segmentation: the k and the settings its k-means was fitted with
-- (features, log and categorical features, value column, and the full settings),
-- read from the fitted models, so reports never guess the configuration.
{%- set segmentations = ['customer', 'country', 'product', 'demographic'] %}
with

{% for segmentation in segmentations -%}
{{ segmentation }}_fit as (

    select distinct
        '{{ segmentation }}' as segmentation,
        k,
        settings_json

    from {{ ref('int_' ~ segmentation ~ '_segments_fitted') }}

),

{% endfor -%}
fits as (

    {% for segmentation in segmentations -%}
    select * from {{ segmentation }}_fit
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}

),

final as (

    select
        segmentation,
        cast(k as {{ dbt.type_int() }}) as k,
        {{ retail_segments.json_text_at('settings_json', '$.features') }} as features,
        {{ retail_segments.json_text_at('settings_json', '$.log_features') }} as log_features,
        {{ retail_segments.json_text_at('settings_json', '$.categorical_features') }} as categorical_features,
        {{ retail_segments.trim_characters(
            retail_segments.json_text_at('settings_json', '$.value_column'),
            "'\"'",
        ) }} as value_column,
        settings_json

    from fits

)

select * from final
