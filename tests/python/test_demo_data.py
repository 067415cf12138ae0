"""Tests for the deterministic demo-data generator (retail_segments.demo_data)."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from retail_segments.demo_data import (
    BEHAVIOURS,
    DEFAULT_LINES,
    DemoData,
    generate,
    main,
    non_product_codes,
    write_demo_data,
)

UCI_COLUMNS = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
]
MALL_COLUMNS = ["CustomerID", "Genre", "Age", "Annual Income (k$)", "Spending Score (1-100)"]
PRODUCT_CODE = r"\d{5}[A-Za-z]?"
SEED = Path(__file__).resolve().parents[2] / "seeds" / "non_product_stock_codes.csv"
NON_PRODUCT_CODES = {
    "POST",
    "DOT",
    "M",
    "D",
    "C2",
    "BANK CHARGES",
    "AMAZONFEE",
    "CRUK",
    "PADS",
    "S",
    "B",
}


@pytest.fixture(scope="module")
def default_data() -> DemoData:
    """The default-size data set (500k lines), generated once."""
    return generate()


@pytest.fixture(scope="module")
def small_data() -> DemoData:
    """The smallest supported size."""
    return generate(n_lines=2_000, seed=3)


def valid_sales(transactions: pd.DataFrame) -> pd.DataFrame:
    """Valid sale lines, computed independently of the generator's own helper."""
    tx = transactions
    mask = (
        ~tx["InvoiceNo"].str[0].isin(["C", "A"])
        & (tx["Quantity"] > 0)
        & (tx["UnitPrice"] > 0)
        & tx["StockCode"].str.fullmatch(PRODUCT_CODE)
        & tx["CustomerID"].notna()
    )
    return tx[mask]


def rfm(transactions: pd.DataFrame) -> pd.DataFrame:
    """Recency (days), frequency (invoices) and monetary value per customer."""
    sales = valid_sales(transactions).drop_duplicates()
    reference = transactions["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    sales = sales.assign(amount=sales["Quantity"] * sales["UnitPrice"])
    out = sales.groupby("CustomerID").agg(
        last=("InvoiceDate", "max"),
        frequency=("InvoiceNo", "nunique"),
        monetary=("amount", "sum"),
    )
    out["recency_days"] = (reference - out["last"].dt.normalize()).dt.days
    return out[["recency_days", "frequency", "monetary"]]


def kmeans_ari(features: pd.DataFrame, truth: pd.Series, k: int = 5) -> float:
    """ARI between ``truth`` and k-means on the standardised features."""
    scaled = StandardScaler().fit_transform(features)
    labels = KMeans(n_clusters=k, random_state=42, n_init=10).fit_predict(scaled)
    return adjusted_rand_score(truth, labels)


def assert_same(a: DemoData, b: DemoData) -> None:
    pd.testing.assert_frame_equal(a.transactions, b.transactions)
    pd.testing.assert_frame_equal(a.behaviours, b.behaviours)
    pd.testing.assert_frame_equal(a.attributes, b.attributes)


# --------------------------------------------------------------------------- #
# Determinism and shape
# --------------------------------------------------------------------------- #


def test_same_seed_gives_identical_frames() -> None:
    assert_same(generate(20_000, seed=11), generate(20_000, seed=11))


def test_different_seed_gives_different_data() -> None:
    a, b = generate(20_000, seed=11), generate(20_000, seed=12)
    assert not a.transactions.equals(b.transactions)
    assert not a.attributes.equals(b.attributes)


def test_column_names(default_data: DemoData) -> None:
    assert list(default_data.transactions.columns) == UCI_COLUMNS
    assert list(default_data.behaviours.columns) == ["CustomerID", "behaviour"]
    assert list(default_data.attributes.columns) == MALL_COLUMNS


@pytest.mark.parametrize("n_lines", [2_000, 5_000, 50_000])
def test_line_count_close_to_target(n_lines: int) -> None:
    assert abs(len(generate(n_lines).transactions) - n_lines) <= 0.1 * n_lines


def test_default_line_count_and_customers(default_data: DemoData) -> None:
    tx = default_data.transactions
    assert abs(len(tx) - DEFAULT_LINES) <= 0.1 * DEFAULT_LINES
    assert 4_000 <= tx["CustomerID"].nunique() <= 4_500


def test_small_size_still_has_customers_of_every_behaviour(small_data: DemoData) -> None:
    assert generate(5_000).transactions["CustomerID"].nunique() >= 50
    assert small_data.transactions["CustomerID"].nunique() >= 50
    assert set(small_data.behaviours["behaviour"]) == set(BEHAVIOURS)


def test_dates_and_invoices(default_data: DemoData) -> None:
    tx = default_data.transactions
    dates = tx["InvoiceDate"]
    assert dates.min() >= pd.Timestamp("2010-12-01")
    assert dates.max() < pd.Timestamp("2011-12-10")
    assert dates.dt.hour.between(7, 20).all()
    invoice_dates = tx.drop_duplicates("InvoiceNo")["InvoiceDate"]
    assert (invoice_dates.dt.day_of_week < 5).mean() > 0.9
    assert (invoice_dates.dt.day_of_week == 5).sum() == 0
    assert tx["InvoiceNo"].str.fullmatch(r"[CA]?\d{6}").all()
    assert tx["InvoiceNo"].str.lstrip("CA").astype(int).min() == 536365
    per_invoice = tx.groupby("InvoiceNo").agg(
        customers=("CustomerID", lambda s: s.nunique(dropna=False)),
        countries=("Country", "nunique"),
        times=("InvoiceDate", "nunique"),
        lines=("StockCode", "size"),
    )
    assert (per_invoice[["customers", "countries", "times"]] == 1).all().all()
    assert per_invoice["lines"].mean() > 3


# --------------------------------------------------------------------------- #
# Noise
# --------------------------------------------------------------------------- #


def test_every_noise_kind_present(default_data: DemoData) -> None:
    tx = default_data.transactions
    n = len(tx)
    cancelled = tx["InvoiceNo"].str.startswith("C")
    non_product = ~tx["StockCode"].str.fullmatch(PRODUCT_CODE)
    zero_price = tx["UnitPrice"] == 0
    rates = {
        "cancellations": cancelled.sum() / n,
        "duplicates": tx.duplicated().sum() / n,
        "missing ids": tx["CustomerID"].isna().sum() / n,
        "non-product codes": non_product.sum() / n,
        "zero prices": zero_price.sum() / n,
    }
    expected = {
        "cancellations": (0.01, 0.04),
        "duplicates": (0.005, 0.02),
        "missing ids": (0.15, 0.25),
        "non-product codes": (0.002, 0.01),
        "zero prices": (0.001, 0.005),
    }
    for kind, (low, high) in expected.items():
        assert low <= rates[kind] <= high, (kind, rates[kind])
    assert (tx.loc[cancelled, "Quantity"] < 0).all()
    assert set(tx.loc[non_product, "StockCode"]) == NON_PRODUCT_CODES
    assert NON_PRODUCT_CODES.issubset(seed_exact_codes()), (
        "dbt would take a planted code for a product"
    )
    assert (zero_price & tx["CustomerID"].notna()).sum() > 0
    bad_debt = tx[tx["InvoiceNo"].str.startswith("A")]
    assert len(bad_debt) == 3
    assert (bad_debt["StockCode"] == "B").all()


def seed_exact_codes(path: Path = SEED) -> set[str]:
    seed = pd.read_csv(path, dtype=str, keep_default_na=False)
    return set(seed.loc[seed.match_type == "exact", "stock_code"])


def test_a_planted_code_missing_from_the_seed_is_an_error(tmp_path: Path) -> None:
    seed = pd.read_csv(SEED, dtype=str, keep_default_na=False)
    trimmed = tmp_path / "codes.csv"
    seed[seed.stock_code != "POST"].to_csv(trimmed, index=False)
    with pytest.raises(ValueError, match=r"not listed in .*codes\.csv: \['POST'\]"):
        non_product_codes(trimmed)


def test_cancellations_reference_bought_products(default_data: DemoData) -> None:
    tx = default_data.transactions
    sales = valid_sales(tx)
    bought = pd.MultiIndex.from_frame(sales[["CustomerID", "StockCode"]])
    cancels = tx[tx["InvoiceNo"].str.startswith("C") & tx["CustomerID"].notna()]
    assert len(cancels) > 0
    assert pd.MultiIndex.from_frame(cancels[["CustomerID", "StockCode"]]).isin(bought).all()


def test_missing_ids_are_on_their_own_invoices(default_data: DemoData) -> None:
    tx = default_data.transactions
    missing_share = tx["CustomerID"].isna().groupby(tx["InvoiceNo"]).mean()
    assert missing_share.isin([0.0, 1.0]).all()


def test_products_and_countries(default_data: DemoData) -> None:
    tx = default_data.transactions
    products = tx[tx["StockCode"].str.fullmatch(PRODUCT_CODE)]
    assert 2_500 <= products["StockCode"].nunique() <= 3_500
    assert products["StockCode"].str.fullmatch(r"\d{5}[A-Z]").any()
    assert (products["Description"] == products["Description"].str.upper()).all()
    descriptions = products.groupby("StockCode")["Description"].nunique()
    assert 1 <= (descriptions == 2).sum() <= 20
    popularity = products["StockCode"].value_counts()
    assert popularity.iloc[:30].sum() > 5 * popularity.iloc[-300:].sum()  # long tail
    customers = tx.dropna(subset=["CustomerID"]).groupby("CustomerID")["Country"]
    assert (customers.nunique() == 1).all()
    shares = customers.first().value_counts(normalize=True)
    assert len(shares) >= 10
    assert 0.8 <= shares["United Kingdom"] <= 0.9


# --------------------------------------------------------------------------- #
# Planted truth
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("which", ["default_data", "small_data"])
def test_planted_behaviours_cover_exactly_valid_customers(
    which: str, request: pytest.FixtureRequest
) -> None:
    data: DemoData = request.getfixturevalue(which)
    buyers = set(valid_sales(data.transactions)["CustomerID"].astype(int))
    planted = data.behaviours
    assert planted["CustomerID"].is_unique
    assert set(planted["CustomerID"]) == buyers
    assert set(planted["behaviour"]) <= set(BEHAVIOURS)
    all_ids = set(data.transactions["CustomerID"].dropna().astype(int))
    assert all_ids - buyers, "expected some customers without a valid sale"
    assert set(data.attributes["CustomerID"]) == all_ids


def test_behaviour_mix(default_data: DemoData) -> None:
    shares = default_data.behaviours["behaviour"].value_counts(normalize=True)
    assert 0.05 <= shares["frequent_high_spender"] <= 0.12
    assert 0.2 <= shares["steady_regular"] <= 0.4
    assert 0.08 <= shares["rare_big_basket"] <= 0.16
    assert 0.18 <= shares["lapsed"] <= 0.32
    assert 0.18 <= shares["one_off"] <= 0.32


def test_rfm_kmeans_recovers_planted_behaviours(default_data: DemoData) -> None:
    table = rfm(default_data.transactions).join(
        default_data.behaviours.set_index("CustomerID"), how="inner"
    )
    assert len(table) == len(default_data.behaviours)
    features = np.log1p(table[["recency_days", "frequency", "monetary"]])
    assert kmeans_ari(features, table["behaviour"]) >= 0.8
    medians = table.groupby("behaviour").median()
    assert (table.loc[table["behaviour"] == "one_off", "frequency"] == 1).all()
    assert medians.loc["lapsed", "recency_days"] > 150
    assert (
        medians.loc["frequent_high_spender", "frequency"]
        > medians["frequency"].drop("frequent_high_spender").max()
    )


def test_attributes_have_clear_demographic_groups(default_data: DemoData) -> None:
    attributes = default_data.attributes
    assert set(attributes["Genre"]) == {"Male", "Female"}
    assert attributes["Age"].between(18, 70).all()
    assert attributes["Annual Income (k$)"].between(15, 140).all()
    assert attributes["Spending Score (1-100)"].between(1, 100).all()
    groups = attributes.merge(default_data.demographic_groups, on="CustomerID")
    features = groups[["Age", "Annual Income (k$)", "Spending Score (1-100)"]]
    assert kmeans_ari(features, groups["group"], k=groups["group"].nunique()) >= 0.8


# --------------------------------------------------------------------------- #
# Files and CLI
# --------------------------------------------------------------------------- #


def read_transactions(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path,
        dtype={"InvoiceNo": str, "StockCode": str, "Description": str, "Country": str},
        parse_dates=["InvoiceDate"],
    ).astype({"CustomerID": "Int64"})


def test_write_demo_data_round_trips(tmp_path: Path) -> None:
    paths = write_demo_data(tmp_path / "out", n_lines=5_000, seed=5)
    assert set(paths) == {"transactions", "behaviours", "attributes"}
    assert paths["transactions"].name == "transactions.csv.gz"
    data = generate(n_lines=5_000, seed=5)

    with gzip.open(paths["transactions"], "rt", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == UCI_COLUMNS
    body = pd.DataFrame(rows[1:], columns=UCI_COLUMNS)
    assert body["InvoiceDate"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}").all()
    assert body["CustomerID"].str.fullmatch(r"\d*").all()
    assert (body["CustomerID"] == "").any()
    assert body["UnitPrice"].str.fullmatch(r"-?\d+(\.\d{1,2})?").all()

    pd.testing.assert_frame_equal(
        read_transactions(paths["transactions"]), data.transactions, check_dtype=False
    )
    pd.testing.assert_frame_equal(
        pd.read_csv(paths["behaviours"]), data.behaviours, check_dtype=False
    )
    attributes = pd.read_csv(paths["attributes"])
    assert list(attributes.columns) == MALL_COLUMNS
    pd.testing.assert_frame_equal(attributes, data.attributes, check_dtype=False)


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = write_demo_data(tmp_path / "a", n_lines=3_000, seed=9)
    second = write_demo_data(tmp_path / "b", n_lines=3_000, seed=9)
    for key, path in first.items():
        assert path.read_bytes() == second[key].read_bytes(), key


def test_cli_writes_files_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    assert main(["--out", str(out), "--lines", "3000", "--seed", "4"]) == 0
    printed = capsys.readouterr().out
    data = generate(n_lines=3_000, seed=4)
    for name in ("transactions.csv.gz", "planted_behaviours.csv", "customer_attributes.csv"):
        assert (out / name).exists()
        assert name in printed
    assert f"({len(data.transactions):,} rows)" in printed
    assert " s" in printed
