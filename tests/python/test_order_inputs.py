"""Order-level input (var input_shape = orders) end to end.

Builds the project on the orders fixture (tests/python/support/order_fixture.py) in a
warehouse of its own and checks the results against an independent pandas
computation of the documented rules: every order is accounted for once, each
rejection reason has the expected count, and recency, frequency and monetary of
every customer are what the fixture says. Also checks the errors a user sees for
a file without a required column or a bad shape setting.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
import pytest
import yaml
from support.builds import PROJECT_DIR, DbtRun, run_dbt
from support.order_fixture import write_order_fixture

# The documented rules (int_transaction_lines_classified, macro order_payment_statuses),
# written out again here so that the test does not reuse the code it checks.
PAID = {
    "paid", "completed", "complete", "succeeded", "success", "successful", "captured",
    "settled", "fulfilled", "shipped", "delivered", "partially_refunded",
}  # fmt: skip
REFUNDED = {"refunded", "returned", "chargeback", "charged_back"}
ORDER_REASONS = {
    "missing_invoice",
    "unpaid_order",
    "unparseable_date",
    "unparseable_price",
    "exact_duplicate",
    "missing_customer",
    "non_positive_price",
}


def order_vars(files: dict[str, Path]) -> dict:
    return {
        "input_shape": "orders",
        "orders_path": str(files["orders"]),
        "order_customers_path": str(files["customers"]),
    }


# ---- the independent computation ----------------------------------------------


def timestamp_formats() -> list[str]:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return project["vars"]["transactions_timestamp_formats"]


def parse_date(text: str, formats: list[str]) -> pd.Timestamp:
    for date_format in formats:
        try:
            return pd.Timestamp(datetime.strptime(text, date_format))
        except ValueError:
            continue
    return pd.NaT


def parse_total(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def normalize_customer_id(text: str) -> str | None:
    text = text.strip()
    if re.fullmatch(r"[0-9]+(\.0+)?", text):
        return str(int(Decimal(text)))
    return text or None


def expected_orders(files: dict[str, Path]) -> pd.DataFrame:
    """One row per order with its status and reason by the documented rules."""
    raw = pd.read_csv(files["orders"], dtype=str, keep_default_na=False)
    raw.columns = ["order_id", "customer_id", "order_total", "payment_status", "payment_date"]
    formats = timestamp_formats()
    orders = pd.DataFrame(
        {
            "line_id": range(1, len(raw) + 1),
            "order_id": raw["order_id"].str.strip().replace("", None),
            "customer_id": raw["customer_id"].map(normalize_customer_id),
            "total": raw["order_total"].str.strip().map(parse_total),
            "status": raw["payment_status"]
            .str.strip()
            .str.lower()
            .str.replace(" ", "_")
            .str.replace("-", "_"),
            "paid_at": raw["payment_date"].str.strip().map(lambda t: parse_date(t, formats)),
            "is_duplicate": raw.duplicated(keep="first"),
        }
    )

    def reason(order: pd.Series) -> str | None:
        if pd.isna(order["order_id"]):
            return "missing_invoice"
        if order["status"] not in PAID | REFUNDED:
            return "unpaid_order"
        if pd.isna(order["paid_at"]):
            return "unparseable_date"
        if pd.isna(order["total"]):
            return "unparseable_price"
        if order["is_duplicate"]:
            return "exact_duplicate"
        if pd.isna(order["customer_id"]):
            return "missing_customer"
        if order["total"] <= 0:
            return "non_positive_price"
        return None

    orders["reason"] = orders.apply(reason, axis=1)
    orders["line_status"] = "sale"
    orders.loc[orders["status"].isin(REFUNDED), "line_status"] = "cancellation"
    orders.loc[orders["reason"].notna(), "line_status"] = "rejected"

    customers = pd.read_csv(files["customers"], dtype=str, keep_default_na=False)
    customers = pd.DataFrame(
        {
            "customer_id": customers["Customer ID"].map(normalize_customer_id),
            "country": customers["Country"].str.strip().replace("", "Unspecified"),
        }
    )
    countries = customers.dropna(subset=["customer_id"]).drop_duplicates("customer_id")
    orders = orders.merge(countries, on="customer_id", how="left")
    orders["country"] = orders["country"].fillna("Unspecified")
    return orders


def expected_customers(orders: pd.DataFrame) -> pd.DataFrame:
    valid = orders[orders["line_status"].isin(["sale", "cancellation"])]
    as_of = valid["paid_at"].max().normalize() + pd.Timedelta(days=1)
    sales = orders[orders["line_status"] == "sale"].assign(
        paid_on=lambda frame: frame["paid_at"].dt.normalize()
    )
    customers = sales.groupby("customer_id").agg(
        last_paid_on=("paid_on", "max"),
        frequency=("order_id", "nunique"),
        monetary=("total", "sum"),
        country=("country", "first"),
    )
    customers["recency_days"] = (as_of - customers["last_paid_on"]).dt.days
    customers.attrs["as_of_date"] = as_of.date()
    return customers


# ---- the build ------------------------------------------------------------------


TABLES = (
    "base_shop__orders",
    "base_retail__transaction_lines",
    "fct_sales_lines",
    "fct_cancellation_lines",
    "fct_rejected_lines",
    "int_as_of_date",
    "dim_customers",
    "dim_countries",
    "dim_products",
)


@pytest.fixture(scope="module")
def order_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], dict]:
    """The project built on the orders fixture; the tables the tests read, as frames."""
    work = tmp_path_factory.mktemp("orders")
    files = write_order_fixture(work / "data", n_customers=300, seed=7)
    # the whole project (a few seconds on the fixture), so that everything built on the
    # customer facts is checked on order-level input too; BI exports go to the temp dir
    dbt_vars = {**order_vars(files), "export_path": str(work / "exports")}
    run = run_dbt(work, ["build"], dbt_vars)
    return files, {name: run.query(f"select * from main.{name}") for name in TABLES}


def test_fixture_is_deterministic(tmp_path):
    first = write_order_fixture(tmp_path / "a", n_customers=40, seed=3)
    second = write_order_fixture(tmp_path / "b", n_customers=40, seed=3)
    for name in ("orders", "customers"):
        assert first[name].read_bytes() == second[name].read_bytes()


def test_every_order_is_a_sale_a_cancellation_or_rejected(order_build):
    files, tables = order_build
    raw_orders = len(pd.read_csv(files["orders"], dtype=str))
    assert len(tables["base_shop__orders"]) == raw_orders
    assert len(tables["base_retail__transaction_lines"]) == 0  # the other shape is not read

    accounted = pd.concat(
        [
            tables[name]["line_id"]
            for name in ("fct_sales_lines", "fct_cancellation_lines", "fct_rejected_lines")
        ]
    )
    assert len(accounted) == raw_orders
    assert sorted(accounted) == list(range(1, raw_orders + 1))


def test_statuses_and_rejection_reasons_follow_the_documented_rules(order_build):
    files, tables = order_build
    expected = expected_orders(files)

    # the fixture makes every rule that can apply to orders fire
    assert set(expected["reason"].dropna()) == ORDER_REASONS

    rejected = tables["fct_rejected_lines"]
    assert rejected["rejection_reason"].value_counts().to_dict() == (
        expected["reason"].value_counts().to_dict()
    )
    assert len(tables["fct_sales_lines"]) == (expected["line_status"] == "sale").sum()
    assert (
        len(tables["fct_cancellation_lines"]) == (expected["line_status"] == "cancellation").sum()
    )
    by_line = expected.set_index("line_id")
    assert (
        by_line.loc[rejected["line_id"], "reason"].to_numpy() == rejected["rejection_reason"]
    ).all()


def test_customer_recency_frequency_monetary_match_the_orders(order_build):
    files, tables = order_build
    expected = expected_customers(expected_orders(files))
    actual = tables["dim_customers"].set_index("customer_id").sort_index()
    expected = expected.sort_index()

    assert (
        pd.Timestamp(tables["int_as_of_date"]["as_of_date"].iloc[0]).date()
        == expected.attrs["as_of_date"]
    )
    assert list(actual.index) == list(expected.index)
    assert (actual["recency_days"] == expected["recency_days"]).all()
    assert (actual["frequency"] == expected["frequency"]).all()
    monetary = expected["monetary"].map(lambda value: float(value.quantize(Decimal("0.01"))))
    assert (actual["monetary"].astype(float) - monetary).abs().max() < 0.001
    assert (actual["main_country"] == expected["country"]).all()


def test_line_level_facts_are_empty_for_orders(order_build):
    _, tables = order_build
    customers = tables["dim_customers"]
    assert len(customers) > 0
    assert customers["units"].isna().all()
    assert customers["distinct_products"].isna().all()
    assert tables["dim_countries"]["units"].isna().all()
    assert len(tables["dim_countries"]) > 0
    assert len(tables["dim_products"]) == 0


def test_missing_required_column_names_it_and_the_columns_found(tmp_path):
    files = write_order_fixture(tmp_path / "data", n_customers=30, seed=1)
    without_total = tmp_path / "data" / "orders_without_total.csv"
    pd.read_csv(files["orders"], dtype=str).drop(columns="Order Total").to_csv(
        without_total, index=False
    )
    dbt_vars = {**order_vars(files), "orders_path": str(without_total)}
    result = run_dbt(
        tmp_path / "dbt", ["run", "--select", "base_shop__orders"], dbt_vars, check=False
    )
    output = result.output

    assert result.returncode != 0
    assert f"Cannot read orders file '{without_total}': no column found for order_total." in output
    assert "Columns found: Order ID, Customer ID, Payment Status, Payment Date." in output
    assert "orders_columns" in output


@pytest.mark.parametrize(
    ("dbt_vars", "message"),
    [
        ({"input_shape": "invoices"}, "Unknown input_shape 'invoices'"),
        ({"input_shape": "orders"}, "No orders file given: the var orders_path is empty."),
    ],
)
def test_bad_shape_settings_stop_the_build_with_a_clear_error(tmp_path, dbt_vars, message):
    result: DbtRun = run_dbt(
        tmp_path, ["run", "--select", "base_shop__orders"], dbt_vars, check=False
    )
    assert result.returncode != 0
    assert message in result.output
