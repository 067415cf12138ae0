"""Country, product and demographic segments.

The same clustering function (`retail_segments.clustering`, through the adapter
`retail_segments.dbt_models`) segments countries, products and the customers of an
attribute table. These tests check:

* the library options those segmentations need (describe names in vocabulary
  order, a forced k limited to the data), without dbt;
* on UCI Online Retail I (the session build `uci_build`): the country tiers and
  product segments against an independent pandas group-by of the built tables,
  and the country tiers against k-means written out with numpy and scikit-learn;
* on UCI Online Retail II (the session build `uci2_build`, no attribute table):
  that the demographic models are built empty, not failed, and documented;
* on the Mall Customers attribute table joined to a small synthetic transactions
  file that shares customer ids: the demographic tables, an independent
  recomputation with scikit-learn, and the attribute columns of `dim_customers`.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler
from support.builds import DbtRun, run_dbt, shared_file

from retail_segments.clustering import cluster, sweep_k
from retail_segments.naming import describe_names, name_segments
from retail_segments.settings import SegmentationSettings

TIERS = ["High spending", "Medium spending", "Low spending"]
PRODUCT_ARCHETYPES = {"Best sellers", "Steady sellers", "Premium niche", "Bulk basics", "Long tail"}
DEMOGRAPHIC_VOCABULARY = {
    "age": ("Young", "Older"),
    "annual_income": ("low income", "high income"),
    "spending_score": ("low spenders", "high spenders"),
}
DEMOGRAPHIC_FEATURES = ["age", "annual_income", "spending_score"]
DEMOGRAPHIC_TABLES = {
    "base_attributes__customers",
    "stg_attributes__customers",
    "int_demographic_segments_swept",
    "int_demographic_segments_assigned",
    "int_demographic_segments_fitted",
    "dim_customer_demographics",
    "dim_demographic_segments",
    "diag_demographic_segment_sweep",
}
ATTRIBUTE_COLUMNS = ["gender", "age", "annual_income", "spending_score"]
COUNTRY_FEATURES = ("revenue", "customers", "avg_order_value")  # var country_segment_features


# ---- library options (no dbt) ---------------------------------------------------


def test_describe_names_can_follow_the_vocabulary_order() -> None:
    centroids = pd.DataFrame(
        {
            "segment_id": [1, 2],
            "age": [-0.6, 0.2],
            "annual_income": [1.5, -1.0],
            "spending_score": [0.9, -2.0],
        }
    )
    by_strength = describe_names(centroids, DEMOGRAPHIC_VOCABULARY)
    by_vocabulary = describe_names(centroids, DEMOGRAPHIC_VOCABULARY, term_order="vocabulary")

    assert by_strength == {1: "High income, high spenders, young", 2: "Low spenders, low income"}
    assert by_vocabulary == {1: "Young, high income, high spenders", 2: "Low income, low spenders"}
    # the same terms either way, only their order differs
    via_dispatch = name_segments(
        centroids,
        {"method": "describe", "vocabulary": DEMOGRAPHIC_VOCABULARY, "term_order": "vocabulary"},
    )
    assert via_dispatch == by_vocabulary
    with pytest.raises(ValueError, match="term_order must be one of"):
        describe_names(centroids, DEMOGRAPHIC_VOCABULARY, term_order="alphabetical")


def test_archetype_fallback_names_use_the_term_order() -> None:
    centroids = pd.DataFrame(
        {"segment_id": [1, 2], "units": [1.0, -0.8], "avg_unit_price": [-1.0, 1.6]}
    )
    names = name_segments(
        centroids,
        {
            "method": "archetype",
            "archetypes": {"Bulk basics": {"units": 1, "avg_unit_price": -1}},
            "vocabulary": {
                "units": ["few units", "many units"],
                "avg_unit_price": ["cheap", "pricey"],
            },
            "term_order": "vocabulary",
        },
    )
    assert names == {1: "Bulk basics", 2: "Few units, pricey"}


def test_a_forced_k_above_the_data_fails_unless_limited() -> None:
    frame = pd.DataFrame({"country": ["A", "B"], "revenue": [10.0, 1000.0]})
    forced = {"id_column": "country", "features": ["revenue"], "log_features": ["revenue"], "k": 3}
    with pytest.raises(ValueError, match="larger than the maximum possible k=2"):
        sweep_k(frame, SegmentationSettings.from_config(forced))

    config = SegmentationSettings.from_config({**forced, "limit_k_to_data": True})
    result = cluster(frame, config)
    assert result.k == 2
    assert "k=3 was forced but there are only 2 distinct data point(s): k reduced to 2" in (
        result.warnings
    )
    assert result.sweep.loc[result.sweep.is_chosen, "selection_rule"].item() == "forced by var"
    assert result.assignments.set_index("country").segment_id.to_dict() == {"A": 2, "B": 1}


def test_a_limited_k_is_unchanged_when_the_data_allows_it() -> None:
    frame = pd.DataFrame({"id": list("abcdef"), "x": [1.0, 1.1, 5.0, 5.2, 9.0, 9.1]})
    settings = {"id_column": "id", "features": ["x"], "k": 3}
    plain = cluster(frame, SegmentationSettings.from_config(settings))
    limited = cluster(
        frame, SegmentationSettings.from_config({**settings, "limit_k_to_data": True})
    )
    assert limited.k == plain.k == 3
    pd.testing.assert_frame_equal(limited.assignments, plain.assignments)
    pd.testing.assert_frame_equal(limited.sweep, plain.sweep)


# ---- UCI Online Retail I --------------------------------------------------------


def test_country_tiers_follow_revenue_on_uci(uci_build: DbtRun) -> None:
    countries = uci_build.query("select country, revenue, customers from dim_countries")
    segments = uci_build.query("select * from dim_countries")
    profile = uci_build.query("select * from dim_country_segments order by segment_id")
    sweep = uci_build.query("select * from diag_country_segment_sweep")

    assert sorted(segments.country) == sorted(countries.country)  # each country exactly once
    assert segments.country.is_unique
    joined = segments[["country", "segment_id", "segment_name"]].merge(countries, on="country")
    by_tier = joined.assign(revenue=joined.revenue.astype(float)).groupby("segment_name")
    totals, means = by_tier.revenue.sum(), by_tier.revenue.mean()

    assert sweep.loc[sweep.is_chosen, "k"].tolist() == [3]
    assert profile.segment_name.tolist() == TIERS
    assert totals["High spending"] > totals["Medium spending"] > totals["Low spending"]
    assert means["High spending"] > means["Medium spending"] > means["Low spending"]
    assert joined.set_index("country").segment_name["United Kingdom"] == "High spending"
    # the profile table agrees with the group-by
    indexed = profile.set_index("segment_name")
    assert indexed.countries.to_dict() == by_tier.size().to_dict()
    for tier in TIERS:
        assert float(indexed.revenue[tier]) == pytest.approx(totals[tier], abs=0.01)
        assert indexed.avg_revenue[tier] == pytest.approx(means[tier], abs=0.01)
    assert indexed.revenue_share.sum() == pytest.approx(1, abs=1e-4)
    assert "United Kingdom" in indexed.country_list["High spending"].split(", ")


def standardised_country_features(countries: pd.DataFrame) -> np.ndarray:
    """log1p then z-scores (population sd, as StandardScaler), written out by hand."""
    logged = np.log1p(countries[list(COUNTRY_FEATURES)].astype(float).to_numpy())
    return (logged - logged.mean(axis=0)) / logged.std(axis=0)


def independent_country_partition(countries: pd.DataFrame) -> pd.Series:
    """k-means (k=3) written out by hand, in the documented canonical row order.

    The clustering sorts rows by their feature values before fitting (so that input
    order cannot change the result): here that order is a plain pandas sort by the
    first feature, then the next ones, then the value column (revenue again), and
    scikit-learn's KMeans is called directly on it.
    """
    ordered = countries.sort_values([*COUNTRY_FEATURES, "revenue"], kind="mergesort")
    z = standardised_country_features(ordered)
    labels = KMeans(n_clusters=3, random_state=42, n_init=10).fit_predict(z)
    return pd.Series(labels, index=ordered.country, name="cluster")


def within_cluster_sum_of_squares(z: np.ndarray, labels: np.ndarray) -> float:
    return float(
        sum(
            ((z[labels == label] - z[labels == label].mean(axis=0)) ** 2).sum()
            for label in np.unique(labels)
        )
    )


def test_country_tiers_equal_an_independent_kmeans(uci_build: DbtRun) -> None:
    countries = uci_build.query("select * from dim_countries")
    built = countries.set_index("country").segment_id
    expected = independent_country_partition(countries)

    assert sorted(built.index) == sorted(expected.index)
    # the same groups (segment ids are labels; adjusted_rand_score ignores them)
    assert adjusted_rand_score(expected, built.reindex(expected.index)) == 1
    revenue = countries.set_index("country").revenue.astype(float)
    mean_revenue = revenue.groupby(built.reindex(revenue.index)).mean()
    assert mean_revenue.idxmax() == 1, "segment 1 should hold the highest mean revenue"
    # and the tiers are a good k-means solution: within 2% of the best of 100 inits
    z = standardised_country_features(countries)
    best = KMeans(n_clusters=3, random_state=0, n_init=100).fit(z).inertia_
    assert within_cluster_sum_of_squares(z, countries.segment_id.to_numpy()) <= 1.02 * best


def test_product_segments_follow_revenue_on_uci(uci_build: DbtRun) -> None:
    products = uci_build.query("select stock_code, revenue, units from dim_products")
    segments = uci_build.query("select stock_code, segment_id, segment_name from dim_products")
    profile = uci_build.query("select * from dim_product_segments order by segment_id")
    sweep = uci_build.query("select * from diag_product_segment_sweep")

    assert segments.stock_code.is_unique
    assert set(segments.stock_code) == set(products.stock_code)
    joined = segments.merge(products, on="stock_code")
    joined["revenue"] = joined.revenue.astype(float)
    groups = joined.groupby("segment_id")
    means = groups.revenue.mean().sort_index()

    chosen = sweep.loc[sweep.is_chosen]
    assert len(chosen) == 1 and int(chosen.k.iloc[0]) == len(profile) == len(means)
    assert sweep.silhouette.between(-1, 1).all()
    assert means.is_monotonic_decreasing and means.is_unique  # segment 1 = highest mean revenue
    assert profile.segment_name.is_unique
    assert set(profile.segment_name) <= PRODUCT_ARCHETYPES  # k <= 5 archetypes on UCI
    # on UCI the top segment is the best sellers and the bottom one the long tail
    assert profile.segment_name.iloc[0] == "Best sellers"
    assert profile.segment_name.iloc[-1] == "Long tail"
    assert profile.products.tolist() == groups.size().sort_index().tolist()
    assert profile.avg_revenue.tolist() == pytest.approx(means.tolist(), abs=0.01)
    assert profile.product_share.sum() == pytest.approx(1, abs=1e-4)
    assert profile.revenue_share.sum() == pytest.approx(1, abs=1e-4)


def test_demographic_models_are_empty_without_customers_path(uci2_build: DbtRun) -> None:
    """Nothing is switched off: without an attribute table the demographic tables
    exist (BI dashboards and the report find them) and hold no rows, so no table of
    an earlier build with attributes can survive with stale rows."""
    tables = set(uci2_build.query("select table_name from information_schema.tables").table_name)
    assert "dim_customers" in tables and "dim_country_segments" in tables
    assert tables >= DEMOGRAPHIC_TABLES
    counts = {
        table: int(uci2_build.query(f'select count(*) as n from "{table}"').n.iloc[0])
        for table in sorted(DEMOGRAPHIC_TABLES)
    }
    assert counts == dict.fromkeys(sorted(DEMOGRAPHIC_TABLES), 0)
    attributes = uci2_build.query(
        f"select count({'), count('.join(ATTRIBUTE_COLUMNS)}) from dim_customers"
    )
    assert attributes.iloc[0].tolist() == [0, 0, 0, 0]  # the columns exist, all null


def test_docs_generate_without_customers_path(uci2_build: DbtRun) -> None:
    path = shared_file("online_retail_ii.csv.gz")
    run_dbt(uci2_build.database.parent, ["docs", "generate"], {"transactions_path": str(path)})
    catalog = json.loads((uci2_build.database.parent / "target" / "catalog.json").read_text())
    nodes = {node["metadata"]["name"]: node for node in catalog["nodes"].values()}
    assert "dim_country_segments" in nodes
    # the empty demographic profile is documented with its columns all the same
    assert {"segment_id", "segment_name", "customers"} <= set(
        nodes["dim_demographic_segments"]["columns"]
    )


# ---- Mall Customers as the attribute table --------------------------------------

SHARED_CUSTOMERS = 80  # transactions for mall customers 1..80


def write_transactions(path: Path, n_customers: int = SHARED_CUSTOMERS, seed: int = 11) -> Path:
    """A small UCI-shaped transactions file whose customer ids are the mall ids 1..n.

    Ids are written as floats ("7.0"), as some exports do, so that the join with the
    zero-padded attribute ids ("0007") goes through the id normalisation. Two
    countries only, so the country tiers must cope with k = 3 > 2 countries.
    """
    rng = np.random.default_rng(seed)
    prices = np.round(rng.lognormal(1.0, 0.8, size=30), 2) + 0.1
    rows = []
    invoice = 500000
    for customer in range(1, n_customers + 1):
        country = "United Kingdom" if customer % 4 else "France"
        for _ in range(int(rng.integers(1, 7))):
            invoice += 1
            day = pd.Timestamp("2011-01-03") + pd.Timedelta(days=int(rng.integers(0, 180)))
            when = day + pd.Timedelta(hours=int(rng.integers(8, 18)))
            for product in rng.choice(30, size=int(rng.integers(1, 5)), replace=False):
                rows.append(
                    {
                        "InvoiceNo": str(invoice),
                        "StockCode": f"P{product:03d}",
                        "Description": f"PRODUCT {product}",
                        "Quantity": int(rng.integers(1, 24)),
                        "InvoiceDate": when.strftime("%Y-%m-%d %H:%M:%S"),
                        "UnitPrice": float(prices[product]),
                        "CustomerID": f"{customer}.0",
                        "Country": country,
                    }
                )
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def read_mall(path: Path) -> pd.DataFrame:
    """The mall table read with pandas alone (not through dbt), ids normalised."""
    raw = pd.read_csv(path, dtype=str)
    raw.columns = ["customer_id", "gender", "age", "annual_income", "spending_score"]
    raw["customer_id"] = raw.customer_id.astype(int).astype(str)
    for column in DEMOGRAPHIC_FEATURES:
        raw[column] = raw[column].astype(float)
    return raw


@pytest.fixture(scope="module")
def mall_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtRun, pd.DataFrame]:
    """The whole project built with Mall Customers as the attribute table, then docs."""
    mall = shared_file("mall_customers.csv.gz")
    work = tmp_path_factory.mktemp("mall")
    transactions = write_transactions(work / "data" / "transactions.csv")
    dbt_vars = {"transactions_path": str(transactions), "customers_path": str(mall)}
    run = run_dbt(work, ["build"], dbt_vars)
    run_dbt(work, ["docs", "generate"], dbt_vars)
    return run, read_mall(mall)


def test_every_mall_customer_has_one_demographic_segment(mall_build) -> None:
    run, mall = mall_build
    segments = run.query("select * from dim_customer_demographics")
    assert len(mall) == 200
    assert len(segments) == 200 and segments.customer_id.is_unique
    assert set(segments.customer_id) == set(mall.customer_id)
    merged = segments.merge(mall, on="customer_id", suffixes=("", "_raw"))
    for column in DEMOGRAPHIC_FEATURES:
        assert (merged[column] == merged[f"{column}_raw"]).all()
    assert (merged.gender == merged.gender_raw).all()  # Male / Female kept as they are
    purchasing = set(segments.loc[segments.has_purchases, "customer_id"])
    assert purchasing == {str(i) for i in range(1, SHARED_CUSTOMERS + 1)}


def test_demographic_k_names_and_metrics(mall_build) -> None:
    run, _ = mall_build
    sweep = run.query("select * from diag_demographic_segment_sweep order by k")
    profile = run.query("select * from dim_demographic_segments order by segment_id")
    chosen = sweep.loc[sweep.is_chosen]

    assert len(chosen) == 1 and int(chosen.k.iloc[0]) == len(profile) >= 2
    assert sweep.silhouette.between(-1, 1).all()
    assert -1 <= chosen.silhouette.iloc[0] <= 1
    assert profile.customers.sum() == 200
    assert profile.avg_spending_score.is_monotonic_decreasing  # segment 1 spends most
    names = profile.segment_name.tolist()
    assert len(set(names)) == len(names)
    # each name: vocabulary terms in vocabulary order ("Young, low income, high spenders")
    order = {
        word.lower(): i for i, pair in enumerate(DEMOGRAPHIC_VOCABULARY.values()) for word in pair
    }
    for name in names:
        positions = [order[term.lower()] for term in name.split(", ")]
        assert positions == sorted(positions) and len(set(positions)) == len(positions), name
    # and the income-and-spending names of the Mall data are there
    pattern = re.compile(r"^((Young|Older), )?(Low|High|low|high) income, (low|high) spenders$")
    assert sum(bool(pattern.match(name)) for name in names) >= 2, names


def test_demographic_segments_equal_an_independent_recomputation(mall_build) -> None:
    run, mall = mall_build
    built = run.query("select * from dim_customer_demographics").set_index("customer_id")
    centroids = run.query("select * from int_demographic_segments_fitted order by segment_id")
    k = len(centroids)

    # 1. the same config through the library, on the file read by pandas
    config = SegmentationSettings.from_config(
        {
            "id_column": "customer_id",
            "features": DEMOGRAPHIC_FEATURES,
            "value_column": "spending_score",
        }
    )
    library = cluster(mall, config)
    assert library.k == k
    expected = library.assignments.set_index("customer_id").segment_id
    assert built.segment_id.sort_index().equals(expected.sort_index())

    # 2. every customer sits in the segment of its nearest centroid (scikit-learn scaling)
    z = StandardScaler().fit_transform(mall[DEMOGRAPHIC_FEATURES].to_numpy())
    centres = centroids[[f"centroid_{f}_z" for f in DEMOGRAPHIC_FEATURES]].to_numpy()
    distances = np.sqrt(((z[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))
    nearest = pd.Series(distances.argmin(axis=1) + 1, index=mall.customer_id)
    assert (built.segment_id.reindex(nearest.index) == nearest).all()
    assert np.allclose(
        built.distance_to_centroid.reindex(nearest.index), distances.min(axis=1), atol=1e-5
    )

    # 3. plain scikit-learn k-means (no outlier step, no canonical order) agrees closely
    plain = KMeans(n_clusters=k, n_init=10, random_state=42).fit_predict(z)
    agreement = adjusted_rand_score(plain, built.segment_id.reindex(mall.customer_id))
    assert agreement > 0.9


def test_attributes_join_onto_dim_customers(mall_build) -> None:
    run, mall = mall_build
    customers = run.query(f"select customer_id, {', '.join(ATTRIBUTE_COLUMNS)} from dim_customers")
    assert len(customers) == SHARED_CUSTOMERS
    joined = customers.merge(mall, on="customer_id", suffixes=("", "_raw"))
    assert len(joined) == SHARED_CUSTOMERS  # "1.0" in the transactions is "0001" in the table
    for column in ATTRIBUTE_COLUMNS:
        assert (joined[column] == joined[f"{column}_raw"]).all(), column
    profile = run.query(
        "select purchasing_customers, revenue, revenue_share from dim_demographic_segments"
    )
    assert profile.purchasing_customers.sum() == SHARED_CUSTOMERS
    assert profile.revenue_share.sum() == pytest.approx(1, abs=1e-4)


def test_country_k_is_limited_to_two_countries(mall_build) -> None:
    run, _ = mall_build
    sweep = run.query("select * from diag_country_segment_sweep")
    profile = run.query("select segment_name from dim_country_segments order by segment_id")
    assert sweep.loc[sweep.is_chosen, "k"].tolist() == [2]
    assert "k=3 was forced but there are only 2 distinct data point(s)" in sweep.warnings.iloc[0]
    assert profile.segment_name.tolist() == ["High spending", "Low spending"]
    assert not math.isnan(float(sweep.loc[sweep.is_chosen, "inertia"].iloc[0]))
