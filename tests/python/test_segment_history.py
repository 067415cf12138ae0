"""The segment history on demo data (issue 13), built four times into one warehouse:

1. as of 2011-09-01 with every month end (`history_every: month`);
2. the same again with `--full-refresh`: the history is rebuilt in place, not
   duplicated, and survives the full refresh;
3. as of 2011-12-01, three months later: the earlier dates' rows stay as they were
   and the stored model (same ids) assigns the new date;
4. as of 2011-12-01 with `customer_segment_refit`: a new model version whose every
   segment is matched to its earlier id.

Expectations are computed independently with pandas from the line marts and the
history itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import markupsafe
import pandas as pd
import pytest
from support.builds import DbtRun, run_dbt

from retail_segments import publish
from retail_segments.history import StoredModel

pytestmark = pytest.mark.integration

DEMO_LINES = 100_000
FIRST_AS_OF = "2011-09-01"
LATER_AS_OF = "2011-12-01"
HISTORY = "select * from fct_customer_segment_history order by as_of_date, customer_id"


@dataclass(frozen=True)
class Snapshot:
    """What a build left: the run and its tables, read right after it (the builds
    share one warehouse file, so `run.query` answers what the last build left)."""

    run: DbtRun
    history: pd.DataFrame
    models: pd.DataFrame
    checks: pd.DataFrame
    customers: pd.DataFrame
    migrations: pd.DataFrame


def snapshot(run: DbtRun) -> Snapshot:
    return Snapshot(
        run,
        run.query(HISTORY),
        run.query("select * from diag_customer_segment_models order by model_version, segment_id"),
        run.query("select * from diag_customer_segment_model_checks order by as_of_date"),
        run.query("select * from dim_customers order by customer_id"),
        run.query("select * from fct_customer_segment_migrations"),
    )


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Snapshot]:
    from retail_segments.demo_data import write_demo_data

    workdir = tmp_path_factory.mktemp("history")
    files = write_demo_data(workdir / "data", n_lines=DEMO_LINES, seed=42)
    base = {"transactions_path": str(files["transactions"]), "export_path": str(workdir / "x")}
    first = {**base, "as_of_date": FIRST_AS_OF, "history_every": "month"}
    later = {**base, "as_of_date": LATER_AS_OF}
    result = {"first": snapshot(run_dbt(workdir, ["build"], first))}
    result["rebuilt"] = snapshot(run_dbt(workdir, ["build", "--full-refresh"], first))
    result["later"] = snapshot(run_dbt(workdir, ["build"], later))
    refit = {**later, "customer_segment_refit": True}
    result["refit"] = snapshot(run_dbt(workdir, ["build"], refit))
    return result


def month_ends_before(as_of: str, first_sale: dt.date) -> list[dt.date]:
    first_sale = pd.Timestamp(first_sale).date()
    ends = pd.date_range(first_sale, as_of, freq="ME")
    return [d.date() for d in ends if first_sale < d.date() < dt.date.fromisoformat(as_of)]


def test_first_build_has_every_month_end_and_its_own_date(builds: dict[str, Snapshot]) -> None:
    run = builds["first"].run
    first_sale = run.query("select min(invoice_date) as d from fct_sales_lines")["d"].iloc[0]
    expected = [*month_ends_before(FIRST_AS_OF, first_sale), dt.date.fromisoformat(FIRST_AS_OF)]
    dates = sorted(pd.to_datetime(builds["first"].history["as_of_date"]).dt.date.unique())
    assert dates == expected


def test_history_facts_match_an_independent_computation(builds: dict[str, Snapshot]) -> None:
    run = builds["first"].run
    lines = run.query(
        "select customer_id, invoice_no, invoice_date, line_revenue from fct_sales_lines"
    )
    lines["invoice_date"] = pd.to_datetime(lines["invoice_date"])
    history = builds["first"].history
    for as_of in pd.to_datetime(history["as_of_date"]).unique():
        before = lines[lines["invoice_date"] < as_of]
        expected = before.groupby("customer_id").agg(
            frequency=("invoice_no", "nunique"),
            monetary=("line_revenue", "sum"),
            last=("invoice_date", "max"),
        )
        expected["recency_days"] = (as_of - expected["last"]).dt.days
        got = history[pd.to_datetime(history["as_of_date"]) == as_of].set_index("customer_id")
        assert sorted(got.index) == sorted(expected.index)
        got = got.loc[expected.index]
        assert (got["frequency"].to_numpy() == expected["frequency"].to_numpy()).all()
        assert (got["recency_days"].to_numpy() == expected["recency_days"].to_numpy()).all()
        diff = (got["monetary"].astype(float) - expected["monetary"].astype(float)).abs()
        assert diff.max() < 0.006


def test_build_date_rows_equal_dim_customers(builds: dict[str, Snapshot]) -> None:
    dim = builds["first"].customers
    history = builds["first"].history
    at_build = history[pd.to_datetime(history["as_of_date"]) == pd.Timestamp(FIRST_AS_OF)]
    at_build = at_build.sort_values("customer_id").reset_index(drop=True)
    columns = ["customer_id", "recency_days", "frequency", "monetary", "rfm_cell", "rfm_segment"]
    pd.testing.assert_frame_equal(at_build[columns], dim[columns], check_dtype=False)
    # the first build's stored model is its own fit: the same ids and names
    assert at_build["kmeans_segment_id"].tolist() == dim["segment_id"].tolist()
    assert at_build["kmeans_segment_name"].tolist() == dim["segment_name"].tolist()


def test_incremental_builds_leave_no_staging_tables(builds: dict[str, Snapshot]) -> None:
    # builds 3 and 4 run the incremental Python models incrementally into the same
    # warehouse; dbt-duckdb stages each run in a `<model>__dbt_tmp<time>` table
    tables = builds["refit"].run.query("select table_name from information_schema.tables")
    names = set(tables.table_name)
    assert {"int_customer_segment_models", "int_customer_segment_model_checks"} <= names
    assert not {name for name in names if "__dbt_tmp" in name}


def test_rebuilding_a_date_replaces_its_rows(builds: dict[str, Snapshot]) -> None:
    first, rebuilt = builds["first"].history, builds["rebuilt"].history
    assert not rebuilt.duplicated(["as_of_date", "customer_id"]).any()
    pd.testing.assert_frame_equal(rebuilt, first)
    pd.testing.assert_frame_equal(builds["rebuilt"].models, builds["first"].models)


def test_a_later_date_keeps_every_earlier_row_byte_identical(builds: dict[str, Snapshot]) -> None:
    earlier = builds["rebuilt"].history
    for name in ("later", "refit"):
        history = builds[name].history
        kept = history[pd.to_datetime(history["as_of_date"]) < pd.Timestamp(LATER_AS_OF)]
        pd.testing.assert_frame_equal(kept.reset_index(drop=True), earlier)
        new_dates = set(pd.to_datetime(history["as_of_date"])) - set(
            pd.to_datetime(earlier["as_of_date"])
        )
        assert new_dates == {pd.Timestamp(LATER_AS_OF)}


def test_the_stored_model_keeps_ids_at_a_later_date(builds: dict[str, Snapshot]) -> None:
    later = builds["later"]
    pd.testing.assert_frame_equal(later.models, builds["first"].models)
    checks = later.checks.assign(as_of_date=pd.to_datetime(later.checks["as_of_date"]))
    check = checks.set_index("as_of_date").loc[pd.Timestamp(LATER_AS_OF)]
    assert check["decision"] == "kept"
    history = later.history
    new_rows = history[pd.to_datetime(history["as_of_date"]) == pd.Timestamp(LATER_AS_OF)]
    assert set(new_rows["kmeans_model_version"]) == {1}
    # the stored model, read back and applied here, gives the same ids and names
    model = StoredModel.from_rows(later.models[later.models["model_version"] == 1])
    expected = model.assign(new_rows[["customer_id", "recency_days", "frequency", "monetary"]])
    got = new_rows.sort_values("customer_id")
    assert got["kmeans_segment_id"].tolist() == expected["kmeans_segment_id"].tolist()
    assert got["kmeans_segment_name"].tolist() == expected["kmeans_segment_name"].tolist()


def test_a_refit_three_months_later_matches_every_segment(builds: dict[str, Snapshot]) -> None:
    models = builds["refit"].models
    old = models[models["model_version"] == 1]
    new = models[models["model_version"] == 2]
    assert len(new) > 0
    assert set(new["created_reason"]) == {"refit requested"}
    assert sorted(new["segment_id"]) == sorted(old["segment_id"])
    assert new["matched_distance"].notna().all()
    old_names = dict(zip(old["segment_id"], old["segment_name"], strict=True))
    assert dict(zip(new["segment_id"], new["segment_name"], strict=True)) == old_names
    # independently of the matching: the refit's segments hold, at the later date,
    # mostly the customers the old model put in the segment of the same id
    later_old = builds["later"].history
    later_new = builds["refit"].history
    date = pd.Timestamp(LATER_AS_OF)
    a = later_old[pd.to_datetime(later_old["as_of_date"]) == date]
    b = later_new[pd.to_datetime(later_new["as_of_date"]) == date]
    assert set(b["kmeans_model_version"]) == {2}
    both = a.merge(b, on="customer_id", suffixes=("_old", "_new"))
    majority = both.groupby("kmeans_segment_id_new")["kmeans_segment_id_old"].agg(
        lambda ids: ids.mode().iloc[0]
    )
    assert (majority.index == majority.to_numpy()).all(), majority


def test_migrations_count_every_customer_of_the_later_date_once(
    builds: dict[str, Snapshot],
) -> None:
    history = builds["refit"].history
    migrations = builds["refit"].migrations
    dates = sorted(pd.to_datetime(history["as_of_date"]).unique())
    pairs = list(zip(dates[:-1], dates[1:], strict=True))
    history = history.assign(as_of_date=pd.to_datetime(history["as_of_date"]))
    for segmentation, column in (("rfm", "rfm_segment"), ("kmeans", "kmeans_segment_name")):
        got = migrations[migrations["segmentation"] == segmentation]
        for before, after in pairs:
            later = history[history["as_of_date"] == after]
            earlier = history[history["as_of_date"] == before][["customer_id", column, "monetary"]]
            moves = later.merge(earlier, on="customer_id", how="left", suffixes=("", "_from"))
            moves["from"] = moves[f"{column}_from"].fillna("New")
            moves["revenue"] = moves["monetary"].astype(float) - moves["monetary_from"].astype(
                float
            ).fillna(0)
            expected = moves.groupby(["from", column]).agg(
                customers=("customer_id", "size"), revenue=("revenue", "sum")
            )
            pair = got[pd.to_datetime(got["to_as_of_date"]) == after]
            assert (pd.to_datetime(pair["from_as_of_date"]) == before).all()
            assert pair["customers"].sum() == len(later)
            observed = pair.set_index(["from_segment", "to_segment"]).sort_index()
            expected = expected.sort_index()
            assert observed["customers"].tolist() == expected["customers"].tolist()
            diff = observed["revenue"].astype(float).to_numpy() - expected["revenue"].to_numpy()
            assert abs(diff).max() < 0.01


@pytest.mark.parametrize(
    ("column", "current", "previous", "since", "count"),
    [
        (
            "rfm_segment",
            "rfm_segment",
            "previous_rfm_segment",
            "rfm_segment_since",
            "rfm_segment_as_of_dates",
        ),
        (
            "kmeans_segment_id",
            "tracked_segment_id",
            "previous_tracked_segment_id",
            "tracked_segment_since",
            "tracked_segment_as_of_dates",
        ),
    ],
)
def test_dim_customers_counts_the_dates_in_the_current_segment(
    builds: dict[str, Snapshot], column: str, current: str, previous: str, since: str, count: str
) -> None:
    dim = builds["later"].customers.set_index("customer_id")
    history = builds["later"].history.sort_values(["customer_id", "as_of_date"])
    for customer, rows in history.groupby("customer_id"):
        segments = rows[column].tolist()
        dates = pd.to_datetime(rows["as_of_date"]).dt.date.tolist()
        run_length = 1
        while run_length < len(segments) and segments[-run_length - 1] == segments[-1]:
            run_length += 1
        row = dim.loc[customer]
        assert row[current] == segments[-1]
        assert row[count] == run_length
        assert pd.Timestamp(row[since]).date() == dates[-run_length]
        before = segments[-run_length - 1] if run_length < len(segments) else None
        assert (row[previous] if pd.notna(row[previous]) else None) == before


def test_publish_carries_the_history_tables_over(tmp_path: Path) -> None:
    published = tmp_path / "published.duckdb"
    with duckdb.connect(str(published)) as con:
        for table in publish.HISTORY_TABLES:
            con.execute(
                f"create table {table} as select range as n, 'x' || range as t from range(5)"
            )
    with duckdb.connect(str(tmp_path / "new.duckdb")) as con:
        publish.carry_over(con, published)
        for table in publish.HISTORY_TABLES:
            rows = con.execute(f"select * from {table} order by n").fetchall()
            assert rows == [(n, f"x{n}") for n in range(5)]


def test_publish_carries_the_line_table_over_for_incremental_builds(tmp_path: Path) -> None:
    published = tmp_path / "published.duckdb"
    line_table = publish.INCREMENTAL_LINES_TABLE
    with duckdb.connect(str(published)) as con:
        con.execute(f"create table {line_table} as select range + 1 as id from range(7)")
    for incremental, expected in [(False, set()), (True, {line_table})]:
        with duckdb.connect(str(tmp_path / f"new_{incremental}.duckdb")) as con:
            publish.carry_over(con, published, (line_table,) if incremental else ())
            tables = {
                row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()
            }
            assert tables & {line_table} == expected
            if incremental:
                assert con.execute(f"select sum(id) from {line_table}").fetchone()[0] == 28
    # a view (what a build without transactions_incremental leaves) is not carried over
    with duckdb.connect(str(published)) as con:
        con.execute(f"drop table {line_table}")
        con.execute(f"create view {line_table} as select 1 as id")
    with duckdb.connect(str(tmp_path / "new_view.duckdb")) as con:
        publish.carry_over(con, published, (line_table,))
        assert (
            con.execute("select count(*) from duckdb_views() where not internal").fetchone()[0] == 0
        )
        assert line_table not in {
            row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()
        }


def test_report_draws_the_history_and_names_the_biggest_movement(
    builds: dict[str, Snapshot], tmp_path: Path
) -> None:
    from retail_segments.report import write_report

    run = builds["refit"].run
    html = write_report(run.database, tmp_path / "report.html").read_text()
    section = html[html.index('<section id="history">') :]
    section = section[: section.index("</section>")]
    assert section.count("<figure") == 4  # sizes and heatmap, for k-means and RFM
    # the biggest RFM movement between the last two dates, from the history itself
    history = builds["refit"].history.assign(as_of_date=lambda f: pd.to_datetime(f["as_of_date"]))
    before, after = sorted(history["as_of_date"].unique())[-2:]
    pairs = history[history["as_of_date"] == after].merge(
        history[history["as_of_date"] == before], on="customer_id", suffixes=("_to", "_from")
    )
    moved = pairs[pairs["rfm_segment_from"] != pairs["rfm_segment_to"]]
    counts = moved.groupby(["rfm_segment_from", "rfm_segment_to"]).size()
    top = counts[counts == counts.max()].sort_index().index[0]
    expected = f"{counts.max():,} {top[0]} became {top[1]}"
    assert str(markupsafe.escape(expected)) in section  # the page escapes text as Jinja does
