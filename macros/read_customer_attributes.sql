{#- Select the customer attribute table (var customers_path) with its columns renamed
    to customer_id, gender, age, annual_income and spending_score (all text), found
    through attributes_column_aliases() or the var customers_columns (see
    read_mapped_file). Only the customer id is required; attributes the file does
    not have are null. The models that call it are disabled when customers_path is
    empty, so the file is only read when it is given. -#}
{% macro read_customer_attributes() -%}
    {{ return(retail_segments.read_mapped_file(
        path=var('customers_path', ''),
        aliases=retail_segments.attributes_column_aliases(),
        required=['customer_id'],
        optional=['gender', 'age', 'annual_income', 'spending_score'],
        overrides_var='customers_columns',
        label='customer attributes',
        path_var='customers_path',
        encoding=var('transactions_encoding', 'auto'),
        enabled=(var('customers_path', '') or '') != '',
        not_found_hint="Pass a customer attribute table (customer id, gender, age, annual income, "
            ~ "spending score), or leave customers_path empty to skip the demographic segments.",
    )) }}
{%- endmacro %}
