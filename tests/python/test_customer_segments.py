"""Customer segments end to end: planted behaviours recovered, stable rebuilds, edge cases."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score
from support.builds import DemoBuild, run_dbt
from support.playbook import assert_every_segment_gets_a_specific_rule, is_lapsed

pytestmark = pytest.mark.integration  # every test builds the project or reads a build

SEGMENTATIONS = ("customer", "product", "country", "demographic")
SEGMENT_TABLES = (
    "dim_customers",
    "dim_customer_segments",
    "diag_customer_segment_sweep",
    "dim_rfm_segments",
    "fct_customer_product_recommendations",
    "dim_products",
    "dim_product_segments",
    "dim_countries",
    "dim_country_segments",
    "dim_customer_demographics",
    "dim_demographic_segments",
    "diag_segment_models",
)
CUSTOMER_MODELS = (
    "+dim_customers +dim_customer_segments +dim_rfm_segments"
    " +fct_customer_product_recommendations +diag_customer_segment_sweep"
)


def test_kmeans_recovers_the_planted_behaviours(demo_build: DemoBuild) -> None:
    planted = pd.read_csv(demo_build.files["behaviours"], dtype={"CustomerID": str})
    segments = demo_build.run.query("select customer_id, segment_id from dim_customers")
    joined = planted.merge(segments, left_on="CustomerID", right_on="customer_id", how="outer")
    assert joined.segment_id.notna().all(), "a planted customer has no segment"
    assert joined.behaviour.notna().all(), "a segmented customer was not planted"
    ari = adjusted_rand_score(joined.behaviour, joined.segment_id)
    print(f"adjusted Rand index vs planted behaviours: {ari:.3f}")
    assert ari >= 0.8


def test_segment_ids_follow_mean_monetary_value(demo_build: DemoBuild) -> None:
    members = demo_build.run.query("select segment_id, monetary from dim_customers").astype(
        {"monetary": float}
    )
    means = members.groupby("segment_id").monetary.mean().sort_index()
    assert means.is_monotonic_decreasing
    assert list(means.index) == list(range(1, len(means) + 1))


def test_every_segment_has_a_unique_name_and_a_playbook_action(demo_build: DemoBuild) -> None:
    profiles = demo_build.run.query(
        "select segment_id, segment_name, customers, goal, recommended_action "
        "from dim_customer_segments"
    )
    customers = demo_build.run.query("select count(*) as n from dim_customers").n.iloc[0]
    assert profiles.segment_name.is_unique
    assert profiles.goal.notna().all() and profiles.recommended_action.notna().all()
    assert profiles.customers.sum() == customers


def test_every_segment_gets_a_specific_playbook_rule(demo_build: DemoBuild) -> None:
    segments = assert_every_segment_gets_a_specific_rule(demo_build.run)
    # the demo data plants lapsed customers; their segment is named for it
    assert any(is_lapsed(name) for name in segments.segment_name)


def test_recommendations_are_new_products_popular_in_the_segment(demo_build: DemoBuild) -> None:
    run = demo_build.run
    recommendations = run.query("select * from fct_customer_product_recommendations")
    bought = run.query(
        "select distinct customer_id, stock_code from fct_sales_lines "
        "where invoice_date < (select as_of_date from int_as_of_date)"
    )
    overlap = recommendations.merge(bought, on=["customer_id", "stock_code"])
    assert overlap.empty, "a recommendation is a product the customer already bought"
    assert recommendations.groupby("customer_id").size().max() == 3
    # the first recommendation is the most bought product of the segment among those not bought
    segments = run.query("select customer_id, segment_id from dim_customers")
    buyers = bought.merge(segments, on="customer_id").groupby(["segment_id", "stock_code"]).size()
    first = recommendations[recommendations.recommendation_rank == 1].head(200)
    for row in first.itertuples():
        own = set(bought.stock_code[bought.customer_id == row.customer_id])
        ranking = buyers.loc[row.segment_id].reset_index(name="n")
        ranking = ranking[~ranking.stock_code.isin(own)].sort_values(
            ["n", "stock_code"], ascending=[False, True]
        )
        assert ranking.stock_code.iloc[0] == row.stock_code


def table_digest(database: Path, table: str) -> str:
    with duckdb.connect(str(database), read_only=True) as con:
        frame = con.sql(f"select * from {table}").df()
    ordered = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return hashlib.sha256(ordered.to_csv(index=False).encode()).hexdigest()


def refit_copy(demo_build: DemoBuild, workdir: Path, **dbt_vars: object):
    """A copy of the demo warehouse with every segmentation fitted again (k-means, the
    Python models and everything after them; exports left out) with `dbt_vars`."""
    workdir.mkdir(parents=True)
    shutil.copy(demo_build.run.database, workdir / "warehouse.duckdb")
    files = demo_build.files
    selection = " ".join(f"int_{entity}_segments_swept+" for entity in SEGMENTATIONS)
    return run_dbt(
        workdir,
        ["build", "--select", selection, "--exclude", "path:models/exports"],
        {
            "transactions_path": str(files["transactions"]),
            "customers_path": str(files["attributes"]),
            **dbt_vars,
        },
    )


def test_fitting_again_gives_byte_identical_segment_tables(
    demo_build: DemoBuild, tmp_path: Path
) -> None:
    again = refit_copy(demo_build, tmp_path / "again")
    for table in SEGMENT_TABLES:
        assert table_digest(demo_build.run.database, table) == table_digest(
            again.database, table
        ), table


def write_lines(path: Path, customers: list[tuple[str, int, float, str]]) -> Path:
    """A tiny UCI-shaped file: one line per (customer, quantity, price, date)."""
    rows = [
        {
            "InvoiceNo": str(536365 + i),
            "StockCode": "85123A",
            "Description": "WHITE HANGING HEART T-LIGHT HOLDER",
            "Quantity": quantity,
            "InvoiceDate": f"{date} 10:00:00",
            "UnitPrice": price,
            "CustomerID": customer,
            "Country": "United Kingdom",
        }
        for i, (customer, quantity, price, date) in enumerate(customers)
    ]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def build_tiny(tmp_path: Path, customers: list[tuple[str, int, float, str]], **dbt_vars: object):
    """The customer models and their data tests on a tiny file (the YAML unit tests,
    which do not read the file, run in the full builds)."""
    path = write_lines(tmp_path / "tiny.csv", customers)
    return run_dbt(
        tmp_path,
        [
            "build",
            "--select",
            CUSTOMER_MODELS,
            "--indirect-selection",
            "cautious",
            "--exclude-resource-type",
            "unit_test",
        ],
        {"transactions_path": str(path), **dbt_vars},
        check=False,
    )


def sweep_tiny(tmp_path: Path, customers: list[tuple[str, int, float, str]], **dbt_vars: object):
    """Only the seeds and models up to the customer k sweep, where the settings are
    checked (no data tests)."""
    path = write_lines(tmp_path / "tiny.csv", customers)
    return run_dbt(
        tmp_path,
        [
            "build",
            "--select",
            "+int_customer_segments_swept",
            "--exclude-resource-type",
            "test",
            "unit_test",
        ],
        {"transactions_path": str(path), **dbt_vars},
        check=False,
    )


def test_one_customer_gets_a_single_segment(tmp_path: Path) -> None:
    run = build_tiny(tmp_path, [("1", 2, 3.0, "2011-01-01"), ("1", 1, 5.0, "2011-02-01")])
    assert run.returncode == 0, run.output[-3000:]
    segments = run.query("select segment_id, segment_name from dim_customers")
    assert segments.segment_id.tolist() == [1]
    sweep = run.query("select k, is_chosen, warnings from diag_customer_segment_sweep")
    assert sweep.k.tolist() == [1] and sweep.warnings.iloc[0] != ""


def test_identical_customers_get_a_single_segment(tmp_path: Path) -> None:
    lines = [(str(c), 2, 3.0, "2011-01-01") for c in range(1, 21)]
    run = build_tiny(tmp_path, lines)
    assert run.returncode == 0, run.output[-3000:]
    assert run.query("select distinct segment_id from dim_customers").segment_id.tolist() == [1]
    assert run.query("select count(*) as n from dim_customers").n.iloc[0] == 20


def test_fewer_customers_than_k_min_shrink_k_with_a_warning(tmp_path: Path) -> None:
    lines = [
        ("1", 1, 1.0, "2011-01-01"),
        ("2", 10, 10.0, "2011-03-01"),
        ("2", 10, 10.0, "2011-04-01"),
        ("3", 100, 30.0, "2011-05-01"),
        ("3", 100, 30.0, "2011-05-20"),
        ("3", 100, 30.0, "2011-06-01"),
    ]
    run = build_tiny(tmp_path, lines, customer_segment_k_min=4, customer_segment_k_max=6)
    assert run.returncode == 0, run.output[-3000:]
    sweep = run.query("select k, is_chosen, warnings from diag_customer_segment_sweep")
    assert sweep.k.max() <= 2
    assert sweep.warnings.str.len().max() > 0
    assert run.query("select count(*) as n from dim_customers").n.iloc[0] == 3


def test_forced_k_is_used(demo_build: DemoBuild, tmp_path: Path) -> None:
    run = refit_copy(demo_build, tmp_path / "forced", customer_segment_k=3)
    sweep = run.query("select k, selection_rule from diag_customer_segment_sweep where is_chosen")
    assert sweep.k.tolist() == [3]
    assert "forced" in sweep.selection_rule.iloc[0]
    assert run.query("select count(*) as n from dim_customer_segments").n.iloc[0] == 3
    assert run.query("select count(distinct segment_id) as n from dim_customers").n.iloc[0] == 3


def test_a_feature_that_does_not_exist_fails_with_a_clear_error(tmp_path: Path) -> None:
    lines = [(str(c), c, 1.0 + c, f"2011-0{1 + c % 9}-01") for c in range(1, 30)]
    run = sweep_tiny(tmp_path, lines, customer_segment_features=["recency_days", "loyalty"])
    assert run.returncode != 0
    assert "loyalty" in run.output
    assert "recency_days" in run.output  # the available columns are listed


@pytest.mark.parametrize("feature", ["avg_days_between_purchases"])
def test_an_all_null_feature_fails_with_a_clear_error(tmp_path: Path, feature: str) -> None:
    # every customer buys on one day only, so the gap between purchase days is null
    lines = [(str(c), c, 1.0 + c, f"2011-0{1 + c % 9}-01") for c in range(1, 30)]
    run = sweep_tiny(
        tmp_path,
        lines,
        customer_segment_features=["monetary", feature],
        customer_segment_log_features=[],
    )
    assert run.returncode != 0
    assert feature in run.output and "null" in run.output.lower()


def test_as_of_date_var_sets_recency_and_leaves_later_lines_out(tmp_path: Path) -> None:
    lines = [
        ("1", 1, 10.0, "2011-01-01"),
        ("1", 1, 10.0, "2011-03-01"),
        ("2", 2, 10.0, "2011-02-01"),
        ("3", 3, 10.0, "2011-06-01"),  # after the as-of date: not in the facts
    ]
    run = build_tiny(tmp_path, lines, as_of_date="2011-04-01")
    assert run.returncode == 0, run.output[-3000:]
    facts = run.query(
        "select customer_id, recency_days, frequency, monetary from dim_customers order by 1"
    )
    assert facts.customer_id.tolist() == ["1", "2"]
    assert facts.recency_days.tolist() == [31, 59]  # 2011-03-01 and 2011-02-01 to 2011-04-01
    assert facts.frequency.tolist() == [2, 1]
    assert run.query("select * from int_as_of_date").shape[0] == 1
