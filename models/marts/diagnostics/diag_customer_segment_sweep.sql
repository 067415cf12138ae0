-- The k sweep behind the customer segments: one row per k tried, with the
-- quality metrics, and the k that was chosen and why.
{{ retail_segments.select_segment_sweep(ref('int_customer_segments_swept')) }}
