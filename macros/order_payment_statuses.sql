{#- How int_orders_as_transaction_lines reads an order's payment status (compared
    lower-cased, trimmed, with spaces and hyphens as underscores):
    `sale`: the order was paid and counts as a sale (a partially refunded order keeps
    its full total: the export does not say how much was refunded);
    `cancellation`: the order was paid and the money went back (refund, return,
    chargeback), counted like a cancellation invoice.
    Every other status, blank included (pending, authorized, partially_paid, failed,
    cancelled, voided, unpaid, ...), is not a sale: the order is rejected with reason
    `unpaid_order`. -#}
{% macro order_payment_statuses() -%}
    {{ return({
        'sale': ['paid', 'completed', 'complete', 'succeeded', 'success', 'successful', 'captured', 'settled', 'fulfilled', 'shipped', 'delivered', 'partially_refunded'],
        'cancellation': ['refunded', 'returned', 'chargeback', 'charged_back'],
    }) }}
{%- endmacro %}
