"""Customer, country, product and demographic segmentation helpers.

The dbt Python models in ``python_models/`` are thin adapters over this package:
clustering, choosing k, naming segments, the demo-data generator and the report
live here so they can be unit tested without dbt.
"""

__version__ = "0.1.0"
