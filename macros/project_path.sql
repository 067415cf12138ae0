{#- A path from a var (input files, export folder), resolved against the project folder
    when relative, so that `dbt build --project-dir <project>` run from any folder (an
    orchestrator's) reads and writes the same files as a build started in the project.
    Absolute paths, `~/...` and URLs (s3://, https://, md:) are returned as they are.
    With absolute = true a relative project folder (a relative --project-dir) is made
    absolute against the folder dbt was started in, for paths that are stored in the
    warehouse (the export views): dbt's Jinja has no os.getcwd, so this reads PWD. -#}
{% macro project_path(path, absolute=false) -%}
    {%- set path = (path or '') | string -%}
    {%- if path == '' or retail_segments.is_absolute_path(path) or path.startswith('~')
        or modules.re.match('^[A-Za-z][A-Za-z0-9+.-]+:', path) -%}
        {{- return(path) -}}
    {%- endif -%}
    {%- set project = (invocation_args_dict.get('project_dir') or '.') | string -%}
    {%- if absolute and not retail_segments.is_absolute_path(project) -%}
        {%- set project = env_var('PWD', '.').rstrip('/') ~ '/' ~ project -%}
    {%- endif -%}
    {%- set relative = path[2:] if path.startswith('./') else path -%}
    {{- return(project.rstrip('/') ~ '/' ~ relative) -}}
{%- endmacro %}
