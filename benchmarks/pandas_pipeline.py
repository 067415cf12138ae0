"""The project's cleaning, RFM and customer k-means sweep in pandas (a benchmark baseline).

    python -m benchmarks.pandas_pipeline lines.parquet

Reads a UCI-shaped Parquet file into memory (text columns backed by Arrow),
classifies every line by the rules and in the order documented on
int_transaction_lines_classified, computes recency, frequency and monetary per
customer (as of the day after the last valid invoice) and the facts per country and
product, then sweeps k-means (k = 2..10, scikit-learn, one thread as in
retail_segments.clustering) on log1p-scaled, standardised RFM. Everything is in
memory, so the scale benchmark runs it only up to 10^7 lines. It prints the counts
of benchmarks/pipeline_counts.py.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from benchmarks.pipeline_counts import Counts, non_product_seed, timestamp_formats

COLUMNS = {
    "InvoiceNo": "invoice_no",
    "StockCode": "stock_code",
    "Description": "description",
    "Quantity": "quantity",
    "InvoiceDate": "invoice_date",
    "UnitPrice": "unit_price",
    "CustomerID": "customer_id",
    "Country": "country",
}
K_RANGE = range(2, 11)
RANDOM_STATE = 42
N_INIT = 10
SILHOUETTE_SAMPLE = 10_000


def read_lines(path: Path) -> pd.DataFrame:
    """The file as Arrow-backed text columns with standard names."""
    raw = pd.read_parquet(path, columns=list(COLUMNS), dtype_backend="pyarrow")
    return raw.rename(columns=COLUMNS).astype("string[pyarrow]")


def _blank_to_na(text: pd.Series) -> pd.Series:
    stripped = text.str.strip()
    return stripped.mask(stripped == "")


def _timestamps(text: pd.Series) -> pd.Series:
    """The first of the project's timestamp formats that parses each value."""
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in timestamp_formats():
        missing = parsed.isna() & text.notna()
        if not missing.any():
            break
        parsed[missing] = pd.to_datetime(text[missing], format=fmt, errors="coerce")
    return parsed


def _customer_ids(text: pd.Series) -> pd.Series:
    """Whole numbers without decimals or leading zeros, other ids as they are."""
    whole = text.str.fullmatch(r"[0-9]+(\.0+)?").fillna(False).astype(bool)
    digits = text.str.replace(r"\.0+$", "", regex=True).str.lstrip("0")
    normalized = digits.mask(digits == "", "0")
    return text.mask(whole, normalized)


def parse(raw: pd.DataFrame) -> pd.DataFrame:
    """Trimmed and typed columns, one row per raw line."""
    invoice_no = _blank_to_na(raw["invoice_no"])
    quantity = pd.to_numeric(_blank_to_na(raw["quantity"]), errors="coerce").astype("float64")
    return pd.DataFrame(
        {
            "invoice_no": invoice_no,
            "stock_code": _blank_to_na(raw["stock_code"]).str.upper(),
            "quantity": quantity.where(quantity == np.floor(quantity)),
            "unit_price": pd.to_numeric(_blank_to_na(raw["unit_price"]), errors="coerce").astype(
                "float64"
            ),
            "invoiced_at": _timestamps(_blank_to_na(raw["invoice_date"])),
            "customer_id": _customer_ids(_blank_to_na(raw["customer_id"])),
            "country": _blank_to_na(raw["country"]).fillna("Unspecified"),
        }
    )


def classify(raw: pd.DataFrame) -> pd.DataFrame:
    """Parsed lines with line_status and rejection_reason (first rule that applies)."""
    lines = parse(raw)
    exact, prefixes = non_product_seed()
    codes = lines["stock_code"].fillna("")
    invoices = lines["invoice_no"].fillna("")
    cancellation = invoices.str.startswith("C").astype(bool)
    quantity = lines["quantity"]
    rules = {
        "missing_invoice": lines["invoice_no"].isna(),
        "missing_stock_code": lines["stock_code"].isna(),
        "unparseable_date": lines["invoiced_at"].isna(),
        "unparseable_quantity": quantity.isna(),
        "unparseable_price": lines["unit_price"].isna(),
        "exact_duplicate": raw.duplicated(keep="first"),
        "bad_debt_adjustment": invoices.str.startswith("A").astype(bool),
        "non_product_code": (codes.isin(exact) | codes.str.startswith(tuple(prefixes))).astype(
            bool
        ),
        "missing_customer": lines["customer_id"].isna(),
        "zero_quantity": quantity == 0,
        "non_positive_price": lines["unit_price"] <= 0,
        "cancellation_with_positive_quantity": cancellation & (quantity > 0),
        "negative_quantity_without_cancellation": ~cancellation & (quantity < 0),
    }
    conditions = [np.asarray(mask.fillna(False), dtype=bool) for mask in rules.values()]
    reason = np.select(conditions, list(rules), default="")
    lines["rejection_reason"] = pd.Series(reason, index=lines.index).replace("", None)
    lines["line_status"] = np.where(
        reason != "", "rejected", np.where(cancellation, "cancellation", "sale")
    )
    return lines


def customer_rfm(lines: pd.DataFrame) -> pd.DataFrame:
    """Recency, frequency and monetary per customer with a sale."""
    valid = lines["line_status"] != "rejected"
    as_of = lines.loc[valid, "invoiced_at"].max().normalize() + pd.Timedelta(days=1)
    sales = lines.loc[lines["line_status"] == "sale"]
    revenue = sales["quantity"] * sales["unit_price"]
    grouped = sales.assign(revenue=revenue).groupby("customer_id", sort=False)
    return pd.DataFrame(
        {
            "recency_days": (as_of - grouped["invoiced_at"].max().dt.normalize()).dt.days,
            "frequency": grouped["invoice_no"].nunique(),
            "monetary": grouped["revenue"].sum().round(2),
        }
    )


def country_and_product_facts(lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Customers, invoices and revenue per country; units, invoices and revenue per product."""
    sales = lines.loc[lines["line_status"] == "sale"]
    sales = sales.assign(revenue=sales["quantity"] * sales["unit_price"])
    aggregates = {
        "customers": ("customer_id", "nunique"),
        "invoices": ("invoice_no", "nunique"),
        "revenue": ("revenue", "sum"),
    }
    countries = sales.groupby("country", sort=False).agg(**aggregates)
    products = sales.groupby("stock_code", sort=False).agg(units=("quantity", "sum"), **aggregates)
    return countries, products


@threadpool_limits.wrap(limits=1)
def kmeans_sweep(rfm: pd.DataFrame) -> pd.DataFrame:
    """Inertia and silhouette (on a fixed sample) for each k on log1p + standardised RFM."""
    features = np.log1p(rfm[["recency_days", "frequency", "monetary"]].to_numpy(dtype=float))
    x = StandardScaler().fit_transform(features)
    rng = np.random.default_rng(RANDOM_STATE)
    sample = rng.choice(len(x), size=min(SILHOUETTE_SAMPLE, len(x)), replace=False)
    rows = []
    for k in K_RANGE:
        if k >= len(x):
            break
        model = KMeans(n_clusters=k, random_state=RANDOM_STATE, n_init=N_INIT).fit(x)
        labels = model.labels_[sample]
        silhouette = silhouette_score(x[sample], labels) if len(set(labels)) > 1 else np.nan
        rows.append({"k": k, "inertia": model.inertia_, "silhouette": silhouette})
    return pd.DataFrame(rows)


def counts(lines: pd.DataFrame, rfm: pd.DataFrame, countries: int, products: int) -> Counts:
    status = lines["line_status"].value_counts()
    reasons = lines["rejection_reason"].dropna().value_counts()
    return Counts(
        sales=int(status.get("sale", 0)),
        cancellations=int(status.get("cancellation", 0)),
        rejected=int(status.get("rejected", 0)),
        customers=len(rfm),
        revenue=round(float(rfm["monetary"].sum()), 2),
        countries=countries,
        products=products,
        rejected_by_reason={str(name): int(n) for name, n in reasons.items()},
    )


def run(path: Path) -> Counts:
    """Read, clean, compute the facts and sweep k; print the timings and the sweep."""
    steps: dict[str, float] = {}
    started = time.perf_counter()
    raw = read_lines(path)
    steps["read"] = time.perf_counter()
    lines = classify(raw)
    del raw
    steps["clean"] = time.perf_counter()
    rfm = customer_rfm(lines)
    countries, products = country_and_product_facts(lines)
    steps["facts"] = time.perf_counter()
    sweep = kmeans_sweep(rfm)
    steps["k-means"] = time.perf_counter()
    previous = started
    timings = []
    for name, at in steps.items():
        timings.append(f"{name} {at - previous:.1f} s")
        previous = at
    print("pandas: " + ", ".join(timings))
    print(sweep.to_string(index=False, float_format=lambda value: f"{value:.4g}"))
    return counts(lines, rfm, len(countries), len(products))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("transactions", type=Path, help="UCI-shaped Parquet file")
    args = parser.parse_args(argv)
    run(args.transactions).emit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
