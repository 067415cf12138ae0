"""Deterministic demo-data generator with planted customer behaviours.

Generates retail line items in the shape of the UCI "Online Retail" data set
(``InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice,
CustomerID, Country``) together with the behaviour planted for every customer
and a "Mall Customers"-shaped demographic table.

The behaviours are built so that a k-means (k=5) on standardised
``log1p(recency_days)``, ``log1p(frequency)`` and ``log1p(monetary)`` computed
from the valid sale lines recovers them. On top of the clean sales the
generator adds the noise real data has: cancellations, exact duplicates,
anonymous invoices, non-product stock codes, zero prices and bad-debt
adjustments. Everything is vectorised with numpy and fully determined by the
seed: the same seed gives byte-identical files.

The parts: ``behaviours`` (behaviour specs, customer ids and countries,
demographics), ``catalog`` (products, descriptions, prices and the non-product
codes of ``seeds/non_product_stock_codes.csv``), ``lines`` (invoices, dates,
sale and noise lines), ``tables`` (``generate``: the draw order and the three
tables) and ``writer`` (the files and the command line).

Usage::

    python -m retail_segments.demo_data --out DIR --lines 500000 --seed 42
"""

from __future__ import annotations

from retail_segments.demo_data.behaviours import BEHAVIOURS
from retail_segments.demo_data.catalog import non_product_codes
from retail_segments.demo_data.tables import DEFAULT_LINES, DemoData, generate
from retail_segments.demo_data.writer import main, write_demo_data

__all__ = [
    "BEHAVIOURS",
    "DEFAULT_LINES",
    "DemoData",
    "generate",
    "main",
    "non_product_codes",
    "write_demo_data",
]
