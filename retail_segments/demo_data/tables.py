"""Assembly of the three demo tables (``generate``).

Splits the target line count between valid sales and each kind of noise, draws
the catalog, the customers and all lines from one seeded generator in a fixed
order, numbers the invoices in time order and builds the UCI-shaped
transactions, the planted behaviours of the customers with a valid sale, and
the customer attributes with their planted demographic groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retail_segments.demo_data.behaviours import (
    BEHAVIOURS,
    COUNTRIES,
    CUSTOMER_COUNTRY_WEIGHTS,
    assign_behaviours,
    customer_attributes,
    customer_count,
    customer_ids,
    draw_countries,
)
from retail_segments.demo_data.catalog import Catalog, make_catalog
from retail_segments.demo_data.lines import (
    START_DATE,
    Invoices,
    Lines,
    anonymous_lines,
    bad_debt_lines,
    cancellations,
    duplicates,
    ghost_lines,
    non_product_lines,
    plan_invoice_days,
    sale_lines,
    timestamps,
    zero_price_lines,
)

DEFAULT_LINES = 500_000
TRANSACTION_COLUMNS = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
FIRST_INVOICE_NO = 536365

# Shares of the total line count taken by each kind of noise.
MISSING_ID_SHARE = 0.20
CANCEL_SHARE = 0.02
DUPLICATE_SHARE = 0.01
NON_PRODUCT_SHARE = 0.005
ZERO_PRICE_SHARE = 0.002
GHOST_CUSTOMER_SHARE = 0.004  # customers whose only lines are free samples


@dataclass(frozen=True)
class DemoData:
    """Generated demo tables.

    ``transactions`` has the UCI Online Retail columns, ``behaviours`` the
    planted behaviour of every customer with a valid sale, ``attributes`` the
    Mall-Customers-shaped demographics of every customer id and
    ``demographic_groups`` the demographic group planted in ``attributes``.
    """

    transactions: pd.DataFrame
    behaviours: pd.DataFrame
    attributes: pd.DataFrame
    demographic_groups: pd.DataFrame


def _invoice_numbers(invoices: Invoices) -> tuple[np.ndarray, np.ndarray]:
    """InvoiceNo text per invoice: numbered in time order, C/A prefixes."""
    order = np.lexsort((np.arange(len(invoices.ts)), invoices.ts))
    number = np.empty(len(order), dtype=np.int64)
    number[order] = FIRST_INVOICE_NO + np.arange(len(order))
    prefix = np.array(["", "C", "A"], dtype=object)[invoices.kind]
    return prefix + number.astype(str).astype(object), number


def _transactions_frame(catalog: Catalog, invoices: Invoices, lines: Lines) -> pd.DataFrame:
    """Sort lines by invoice number and position and build the UCI frame."""
    inv_text, inv_number = _invoice_numbers(invoices)
    order = np.lexsort((np.arange(len(lines)), lines.pos, inv_number[lines.invoice]))
    lines = lines.take(order)
    inv = lines.invoice
    customer = invoices.customer[inv]
    timestamp = START_DATE.astype("datetime64[s]") + invoices.ts[inv].astype("timedelta64[s]")
    return pd.DataFrame(
        {
            "InvoiceNo": pd.array(inv_text[inv], dtype="str"),
            "StockCode": pd.array(catalog.codes[lines.code], dtype="str"),
            "Description": pd.array(catalog.descriptions[lines.desc], dtype="str"),
            "Quantity": lines.quantity.astype(np.int64),
            "InvoiceDate": timestamp,
            "UnitPrice": np.round(lines.price, 2),
            "CustomerID": pd.arrays.IntegerArray(customer, mask=customer <= 0),
            "Country": pd.array(
                np.array(COUNTRIES, dtype=object)[invoices.country[inv]], dtype="str"
            ),
        }
    )


def valid_sale_mask(transactions: pd.DataFrame) -> pd.Series:
    """Lines that count as a sale: not cancelled, positive, priced, product, customer."""
    return (
        ~transactions["InvoiceNo"].str.startswith(("C", "A"))
        & (transactions["Quantity"] > 0)
        & (transactions["UnitPrice"] > 0)
        & transactions["StockCode"].str.fullmatch(r"\d{5}[A-Za-z]?")
        & transactions["CustomerID"].notna()
    )


def _behaviours_frame(
    transactions: pd.DataFrame, ids: np.ndarray, behaviour: np.ndarray
) -> pd.DataFrame:
    """Planted behaviour of every customer with at least one valid sale."""
    buyers = np.unique(transactions.loc[valid_sale_mask(transactions), "CustomerID"].to_numpy())
    keep = np.isin(ids, buyers)
    return pd.DataFrame(
        {
            "CustomerID": ids[keep],
            "behaviour": pd.array(np.array(BEHAVIOURS, dtype=object)[behaviour[keep]], dtype="str"),
        }
    )


def _line_budget(n_lines: int) -> dict[str, int]:
    """Split the target line count between valid sales and each noise kind."""
    budget = {
        "anonymous": round(n_lines * MISSING_ID_SHARE),
        "cancel": max(1, round(n_lines * CANCEL_SHARE)),
        "duplicate": max(1, round(n_lines * DUPLICATE_SHARE)),
        "non_product": max(1, round(n_lines * NON_PRODUCT_SHARE)),
        "zero_price": max(2, round(n_lines * ZERO_PRICE_SHARE)),
    }
    budget["sales"] = n_lines - sum(budget.values()) - 3
    return budget


def generate(n_lines: int = DEFAULT_LINES, seed: int = 42) -> DemoData:
    """Generate the demo tables for about ``n_lines`` transaction lines."""
    if n_lines < 1000:
        raise ValueError("n_lines must be at least 1000")
    rng = np.random.default_rng(seed)
    budget = _line_budget(n_lines)
    catalog = make_catalog(rng)
    n_customers = customer_count(n_lines)
    n_ghosts = max(1, round(n_customers * GHOST_CUSTOMER_SHARE))
    ids = customer_ids(rng, n_customers + n_ghosts)
    is_ghost = np.zeros(len(ids), dtype=bool)
    is_ghost[rng.choice(len(ids), size=n_ghosts, replace=False)] = True
    behaviour = np.full(len(ids), -1)
    behaviour[~is_ghost] = assign_behaviours(rng, n_customers)
    country = draw_countries(rng, len(ids), CUSTOMER_COUNTRY_WEIGHTS)

    buyer = np.flatnonzero(~is_ghost)
    inv_cust, inv_day = plan_invoice_days(rng, behaviour[buyer])
    invoices = Invoices(
        kind=np.zeros(len(inv_cust), dtype=np.int64),
        customer=ids[buyer][inv_cust],
        country=country[buyer][inv_cust],
        ts=timestamps(rng, inv_day),
    )
    basket_scale = rng.lognormal(0.0, 0.35, size=len(buyer))
    sales = sale_lines(
        rng, catalog, behaviour[buyer][inv_cust], basket_scale[inv_cust], budget["sales"]
    )
    customer_invoices = np.arange(len(inv_cust))
    mean_basket = len(sales) / max(len(inv_cust), 1)
    anonymous = anonymous_lines(rng, catalog, invoices, budget["anonymous"], 3.0 * mean_basket)
    anonymous_invoices = np.unique(anonymous.invoice)
    cancels = cancellations(rng, sales, invoices, budget["cancel"])
    half_zero = budget["zero_price"] // 2
    extras = [
        non_product_lines(rng, catalog, customer_invoices, budget["non_product"]),
        zero_price_lines(rng, catalog, customer_invoices, half_zero),
        zero_price_lines(rng, catalog, anonymous_invoices, budget["zero_price"] - half_zero),
        ghost_lines(rng, catalog, invoices, ids[is_ghost], country[is_ghost]),
        bad_debt_lines(rng, catalog, invoices),
    ]
    lines = Lines.concat([sales, anonymous, cancels, *extras])
    lines = Lines.concat([lines, duplicates(rng, lines, invoices, budget["duplicate"])])
    transactions = _transactions_frame(catalog, invoices, lines)
    attributes, groups = customer_attributes(rng, ids, behaviour)
    return DemoData(
        transactions=transactions,
        behaviours=_behaviours_frame(transactions, ids, behaviour),
        attributes=attributes,
        demographic_groups=groups,
    )
