{#- The models of the Spark stage (selector spark_stage), from the graph: every SQL
    model that a Python model reads, with its SQL parents; in the order of the graph. -#}
{% macro spark_stage_models() -%}
    {%- set models = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | list -%}
    {%- set by_id = {} -%}
    {%- for node in models -%}
        {%- do by_id.update({node.unique_id: node}) -%}
    {%- endfor -%}
    {%- set todo = [] -%}
    {%- for node in models if node.language == 'python' -%}
        {%- do todo.extend(node.depends_on.nodes) -%}
    {%- endfor -%}
    {%- set seen = [] -%}
    {#- a breadth-first walk up the graph (Jinja has no while: at most one pass per node) -#}
    {%- for _ in range(models | length + 1) if todo -%}
        {%- set next = [] -%}
        {%- for unique_id in todo if unique_id in by_id and unique_id not in seen -%}
            {%- if by_id[unique_id].language == 'sql' -%}
                {%- do seen.append(unique_id) -%}
                {%- do next.extend(by_id[unique_id].depends_on.nodes) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do todo.clear() -%}
        {%- do todo.extend(next) -%}
    {%- endfor -%}
    {{ return(models | selectattr('unique_id', 'in', seen) | list) }}
{%- endmacro %}
