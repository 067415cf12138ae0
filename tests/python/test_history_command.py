"""`run.py history` on UCI Online Retail I, through the real command line and publish:
the history has every month end of the data, and a next `run.py build` with
`--full-refresh` carries it over unchanged (issue 13)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from support.builds import DBT_TIMEOUT_SECONDS, PROJECT_DIR, PublishSite, shared_file

pytestmark = pytest.mark.integration  # runs dbt through the command line

HISTORY = "select * from fct_customer_segment_history order by as_of_date, customer_id"


def run_command(site: PublishSite, command: str, dbt_args: list[str]) -> str:
    import subprocess

    from support.builds import refuse_unmarked

    refuse_unmarked()
    transactions = shared_file("online_retail.csv.gz")
    line = site.command(["--transactions", str(transactions), "--no-report"], {})
    line[line.index("build")] = command
    completed = subprocess.run(
        [*line, *dbt_args],
        cwd=PROJECT_DIR,
        env=site.environment(),
        capture_output=True,
        text=True,
        timeout=DBT_TIMEOUT_SECONDS,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return completed.stdout


def query(site: PublishSite, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(site.warehouse), read_only=True) as con:
        return con.sql(sql).df()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> PublishSite:
    root = tmp_path_factory.mktemp("history_site")
    return PublishSite(root / "published", root / "scratch")


def test_history_then_a_full_refresh_build_keep_every_month_end(site: PublishSite) -> None:
    run_command(site, "history", [])
    history = query(site, HISTORY)
    span = query(
        site, "select min(invoice_date) as first, max(invoice_date) as last from fct_sales_lines"
    )
    first, last = (pd.Timestamp(span[c].iloc[0]).date() for c in ("first", "last"))
    as_of = last + dt.timedelta(days=1)
    month_ends = [
        d.date() for d in pd.date_range(first, as_of, freq="ME") if first < d.date() < as_of
    ]
    dates = sorted(pd.to_datetime(history["as_of_date"]).dt.date.unique())
    assert dates == [*month_ends, as_of]
    assert len(dates) == 13  # UCI Online Retail I: 2010-12-31 ... 2011-11-30 and 2011-12-10
    # each date has the customers with a sale before it, counted independently
    lines = query(site, "select customer_id, invoice_date from fct_sales_lines")
    lines["invoice_date"] = pd.to_datetime(lines["invoice_date"]).dt.date
    counts = history.groupby(pd.to_datetime(history["as_of_date"]).dt.date).size()
    for date in dates:
        assert counts[date] == lines.loc[lines["invoice_date"] < date, "customer_id"].nunique()

    run_command(site, "build", ["--full-refresh"])
    pd.testing.assert_frame_equal(query(site, HISTORY), history)
    builds = query(site, "select build_number from warehouse_builds order by 1")
    assert builds["build_number"].tolist() == [1, 2]
    checks = query(site, "select decision from diag_customer_segment_model_checks")
    assert checks["decision"].tolist() == ["first fit"]  # the date's own model, kept
