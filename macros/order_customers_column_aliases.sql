{#- Column names the loader recognises in the customers table of an orders export
    (var order_customers_path), in order of preference; compared like
    orders_column_aliases. Only the id and the country are read. -#}
{% macro order_customers_column_aliases() -%}
    {{ return({
        'customer_id': ['customerid', 'customerno', 'customernumber', 'customer', 'clientid', 'userid', 'buyerid', 'id'],
        'country': ['country', 'countryname', 'customercountry', 'billingcountry', 'shippingcountry', 'countrycode'],
    }) }}
{%- endmacro %}
