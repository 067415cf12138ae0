{#- The contract config of a segment table whose centroid columns follow the
    clustering features (centroid_<feature>, <feature>_level): enforced while the
    feature vars have the values its properties file declares columns for (the
    defaults of dbt_project.yml). A build with other features changes those columns
    by design, so the table's contract is off for that build; every other public
    model keeps its contract. `declared`: var name -> the feature list declared. -#}
{% macro contract_for_features(declared) -%}
    {%- set ns = namespace(same=true) -%}
    {%- for name, features in declared.items() -%}
        {%- if (var(name, []) | list) != features -%}
            {%- set ns.same = false -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return({'enforced': ns.same}) }}
{%- endmacro %}
