"""An independent pandas implementation of the documented cleaning and fact rules.

The tests compare the dbt marts with these results. It follows the model docs
(int_transaction_lines_classified, dim_customers, dim_countries), not the SQL.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

STANDARD = {
    "invoice_no": ("InvoiceNo", "Invoice"),
    "stock_code": ("StockCode",),
    "description": ("Description",),
    "quantity": ("Quantity",),
    "invoice_date": ("InvoiceDate",),
    "unit_price": ("UnitPrice", "Price"),
    "customer_id": ("CustomerID", "Customer ID"),
    "country": ("Country",),
}
NON_PRODUCT_SEED = Path(__file__).resolve().parents[2] / "seeds" / "non_product_stock_codes.csv"


def read_raw(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    renamed = {}
    for standard, names in STANDARD.items():
        for name in names:
            if name in raw.columns:
                renamed[name] = standard
    return raw.rename(columns=renamed)[list(STANDARD)]


def normalize_customer(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if re.fullmatch(r"[0-9]+(\.0+)?", value):
        return str(int(Decimal(value)))
    return value


def classify(raw: pd.DataFrame) -> pd.DataFrame:
    """Status and reason per line, following the documented rule order."""
    lines = pd.DataFrame(index=raw.index)
    text = raw.apply(lambda column: column.str.strip())
    lines["invoice_no"] = text["invoice_no"].replace("", None)
    lines["stock_code"] = text["stock_code"].str.upper().replace("", None)
    quantity = pd.to_numeric(text["quantity"], errors="coerce")
    lines["quantity"] = quantity.where(quantity == np.floor(quantity))
    lines["unit_price"] = pd.to_numeric(text["unit_price"], errors="coerce")
    lines["invoiced_at"] = pd.to_datetime(
        text["invoice_date"], format="%Y-%m-%d %H:%M:%S", errors="coerce"
    )
    lines["customer_id"] = text["customer_id"].map(normalize_customer)
    lines["country"] = text["country"].replace("", "Unspecified")
    lines["description"] = text["description"]
    duplicate = raw.duplicated(keep="first")
    seed = pd.read_csv(NON_PRODUCT_SEED, dtype=str)
    exact = set(seed.loc[seed.match_type == "exact", "stock_code"])
    prefixes = tuple(seed.loc[seed.match_type == "prefix", "stock_code"])
    codes = lines["stock_code"].fillna("")
    non_product = codes.isin(exact) | codes.str.startswith(prefixes)
    cancel = lines["invoice_no"].fillna("").str.startswith("C")
    rules = [
        ("missing_invoice", lines["invoice_no"].isna()),
        ("missing_stock_code", lines["stock_code"].isna()),
        ("unparseable_date", lines["invoiced_at"].isna()),
        ("unparseable_quantity", lines["quantity"].isna()),
        ("unparseable_price", lines["unit_price"].isna()),
        ("exact_duplicate", duplicate),
        ("bad_debt_adjustment", lines["invoice_no"].fillna("").str.startswith("A")),
        ("non_product_code", non_product),
        ("missing_customer", lines["customer_id"].isna()),
        ("zero_quantity", lines["quantity"] == 0),
        ("non_positive_price", lines["unit_price"] <= 0),
        ("cancellation_with_positive_quantity", cancel & (lines["quantity"] > 0)),
        ("negative_quantity_without_cancellation", ~cancel & (lines["quantity"] < 0)),
    ]
    reason = pd.Series(None, index=raw.index, dtype=object)
    for name, mask in rules:
        reason = reason.mask(reason.isna() & mask.fillna(False).astype(bool), name)
    lines["rejection_reason"] = reason
    lines["line_status"] = np.where(
        reason.notna(), "rejected", np.where(cancel, "cancellation", "sale")
    )
    return lines


def customer_facts(lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Recency, frequency and monetary per customer at the day after the last invoice."""
    valid = lines[lines.line_status != "rejected"]
    as_of = valid["invoiced_at"].dt.normalize().max() + pd.Timedelta(days=1)
    sales = lines[lines.line_status == "sale"].copy()
    sales["revenue"] = sales["quantity"] * sales["unit_price"]
    grouped = sales.groupby("customer_id")
    facts = pd.DataFrame(
        {
            "recency_days": (as_of - grouped["invoiced_at"].max().dt.normalize()).dt.days,
            "frequency": grouped["invoice_no"].nunique(),
            "monetary": grouped["revenue"].sum().round(2),
        }
    )
    return facts, as_of


def country_revenue(lines: pd.DataFrame) -> pd.Series:
    sales = lines[lines.line_status == "sale"]
    return (sales["quantity"] * sales["unit_price"]).groupby(sales["country"]).sum().round(2)
