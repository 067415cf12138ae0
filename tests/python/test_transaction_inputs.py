"""Transactions in the shapes people have: Kaggle latin-1 copy, Parquet, bad columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from support.builds import DbtRun, run_dbt

from retail_segments.demo_data import generate

pytestmark = pytest.mark.integration  # every test builds the project

SELECT = ["--select", "+dim_customers +dim_products", "--indirect-selection", "cautious"]


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    """A small UCI I-shaped file with one non-ASCII description."""
    frame = generate(n_lines=4000, seed=3).transactions.astype(str)
    frame.loc[frame.index[:50], "Description"] = "CAFÉ AU LAIT MUG"
    return frame


def build(tmp_path: Path, path: Path) -> DbtRun:
    return run_dbt(tmp_path, ["build", *SELECT], {"transactions_path": str(path)})


@pytest.fixture(scope="module")
def reference(lines: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    work = tmp_path_factory.mktemp("utf8")
    path = work / "lines.csv"
    lines.to_csv(path, index=False, encoding="utf-8")
    return build(work, path).query("select * from dim_customers order by customer_id")


def kaggle_copy(lines: pd.DataFrame) -> pd.DataFrame:
    """As in the widely shared data.csv: US dates without seconds, float customer ids."""
    copy = lines.copy()
    stamps = pd.to_datetime(copy["InvoiceDate"])
    copy["InvoiceDate"] = (
        stamps.dt.month.astype(str)
        + "/"
        + stamps.dt.day.astype(str)
        + "/"
        + stamps.dt.year.astype(str)
        + " "
        + stamps.dt.hour.astype(str)
        + ":"
        + stamps.dt.strftime("%M")
    )
    copy["CustomerID"] = copy["CustomerID"].where(
        copy["CustomerID"] == "", copy["CustomerID"] + ".0"
    )
    return copy


def test_kaggle_latin1_copy_gives_the_same_customers(
    lines: pd.DataFrame, reference: pd.DataFrame, tmp_path: Path
) -> None:
    assert (lines["InvoiceDate"].str[-2:] == "00").all(), "the comparison needs whole minutes"
    path = tmp_path / "data.csv"
    kaggle_copy(lines).to_csv(path, index=False, encoding="latin-1")
    run = build(tmp_path, path)
    assert (
        run.query("select distinct source_encoding from base_retail__transaction_lines").iloc[0, 0]
        == "latin-1"
    )
    actual = run.query("select * from dim_customers order by customer_id")
    pd.testing.assert_frame_equal(actual, reference)
    descriptions = run.query("select description from dim_products").description
    assert descriptions.str.contains("CAFÉ AU LAIT MUG", regex=False).any()


def test_parquet_gives_the_same_customers(
    lines: pd.DataFrame, reference: pd.DataFrame, tmp_path: Path
) -> None:
    """With a typed column no standard name maps (Store, an integer): it is part of the
    duplicate key as text, and the same on every line, so it changes nothing."""
    path = tmp_path / "lines.parquet"
    lines.assign(Store=7).to_parquet(path, index=False)
    run = build(tmp_path, path)
    actual = run.query("select * from dim_customers order by customer_id")
    pd.testing.assert_frame_equal(actual, reference)
    unmapped = run.query("select distinct unmapped_values from base_retail__transaction_lines")
    assert unmapped.unmapped_values.tolist() == ['{"Store":"7"}']


def test_other_column_names_are_recognised(
    lines: pd.DataFrame, reference: pd.DataFrame, tmp_path: Path
) -> None:
    renamed = lines.rename(
        columns={
            "InvoiceNo": "Invoice",
            "UnitPrice": "Price",
            "CustomerID": "Customer ID",
            "Quantity": "qty",
            "StockCode": "SKU",
        }
    )
    path = tmp_path / "export.csv"
    renamed.to_csv(path, index=False)
    actual = build(tmp_path, path).query("select * from dim_customers order by customer_id")
    pd.testing.assert_frame_equal(actual, reference)


def test_a_file_without_a_required_column_stops_with_a_clear_error(
    lines: pd.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "no_price.csv"
    lines.drop(columns=["UnitPrice"]).to_csv(path, index=False)
    run = run_dbt(tmp_path, ["build", *SELECT], {"transactions_path": str(path)}, check=False)
    assert run.returncode != 0
    assert str(path) in run.output
    assert "unit_price" in run.output
    found = "InvoiceNo, StockCode, Description, Quantity, InvoiceDate, CustomerID, Country"
    assert f"Columns found: {found}" in run.output


def test_a_missing_file_stops_with_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    run = run_dbt(tmp_path, ["build", *SELECT], {"transactions_path": str(missing)}, check=False)
    assert run.returncode != 0
    assert "Transactions file not found" in run.output and str(missing) in run.output
