{#- Column names the loader recognises in the customer attribute table (var
    customers_path), in order of preference; compared like the transaction
    columns (lower case, letters and digits only), so "Annual Income (k$)" is
    annualincomek and "Spending Score (1-100)" is spendingscore1100. -#}
{% macro attributes_column_aliases() -%}
    {{ return({
        'customer_id': ['customerid', 'customerno', 'customernumber', 'customer', 'clientid', 'userid', 'id'],
        'gender': ['gender', 'genre', 'sex'],
        'age': ['age', 'ageyears', 'years'],
        'annual_income': ['annualincome', 'annualincomek', 'annualincomekusd', 'yearlyincome', 'income'],
        'spending_score': ['spendingscore', 'spendingscore1100', 'spendscore', 'score'],
    }) }}
{%- endmacro %}
