{#- The Java (Spark) datetime pattern of a strptime format, e.g. '%m/%d/%Y %H:%M'
    -> 'M/d/yyyy H:m'. Numbers get one pattern letter, which parses one or more
    digits as strptime does (01 and 1); letters that are not a directive are quoted.
    A directive Spark has no pattern for stops the build naming it. -#}
{% macro java_datetime_pattern(format) -%}
    {%- set directives = {
        'Y': 'yyyy', 'y': 'yy', 'm': 'M', 'd': 'd', 'H': 'H', 'I': 'h', 'M': 'm', 'S': 's',
        'p': 'a', 'b': 'MMM', 'B': 'MMMM', 'f': 'SSSSSS', 'j': 'D', 'z': 'Z', '%': '%',
    } -%}
    {%- set parts = [] -%}
    {%- set state = {'directive': false} -%}
    {%- for character in format | string -%}
        {%- if state['directive'] -%}
            {%- if character not in directives -%}
                {{ exceptions.raise_compiler_error(
                    "The timestamp format " ~ (format | tojson) ~ " uses %" ~ character
                    ~ ", which has no Spark datetime pattern: use %Y %y %m %d %H %I %M %S %p %b %B %f %j %z."
                ) }}
            {%- endif -%}
            {%- do parts.append(directives[character]) -%}
            {%- do state.update({'directive': false}) -%}
        {%- elif character == '%' -%}
            {%- do state.update({'directive': true}) -%}
        {%- elif modules.re.match('[A-Za-z]', character) -%}
            {%- do parts.append("'" ~ character ~ "'") -%}
        {%- elif character == "'" -%}
            {%- do parts.append("''") -%}
        {%- else -%}
            {%- do parts.append(character) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(parts | join('')) }}
{%- endmacro %}
