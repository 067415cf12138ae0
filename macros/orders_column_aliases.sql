{#- Column names the loader recognises for each standard column of an orders
    export (input_shape `orders`), in order of preference. Names are compared after
    lower-casing and removing everything but letters and digits, so "Order ID",
    "order_id" and "OrderID" are the same. -#}
{% macro orders_column_aliases() -%}
    {{ return({
        'order_id': ['orderid', 'orderno', 'ordernumber', 'orderref', 'orderreference', 'invoiceno', 'invoiceid', 'invoicenumber', 'invoice', 'transactionid', 'id'],
        'customer_id': ['customerid', 'customerno', 'customernumber', 'customer', 'clientid', 'userid', 'buyerid'],
        'order_total': ['ordertotal', 'total', 'grandtotal', 'totalamount', 'ordervalue', 'orderamount', 'totalprice', 'amount'],
        'payment_status': ['paymentstatus', 'financialstatus', 'orderstatus', 'status'],
        'payment_date': ['paymentdate', 'paidat', 'paiddate', 'orderdate', 'createdat', 'orderdatetime', 'purchasedate', 'date'],
    }) }}
{%- endmacro %}
