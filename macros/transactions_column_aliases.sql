{#- Column names the loader recognises for each standard transaction column.
    Names are compared after lower-casing and removing everything but letters and
    digits, so "Customer ID", "customer_id" and "CustomerID" are the same. -#}
{% macro transactions_column_aliases() -%}
    {{ return({
        'invoice_no': ['invoiceno', 'invoice', 'invoicenumber', 'invoiceid', 'orderno', 'ordernumber', 'orderid', 'transactionid', 'receiptno'],
        'stock_code': ['stockcode', 'productcode', 'productid', 'sku', 'itemcode', 'itemid', 'article'],
        'description': ['description', 'productdescription', 'productname', 'itemdescription', 'itemname'],
        'quantity': ['quantity', 'qty', 'units', 'unitssold'],
        'invoice_date': ['invoicedate', 'invoicedatetime', 'orderdate', 'transactiondate', 'date', 'datetime', 'timestamp'],
        'unit_price': ['unitprice', 'price', 'itemprice', 'priceperunit'],
        'customer_id': ['customerid', 'customer', 'customerno', 'customernumber', 'clientid'],
        'country': ['country', 'countryname', 'customercountry'],
    }) }}
{%- endmacro %}
