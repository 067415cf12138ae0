"""Bad values in a real-looking export reject their line with a reason, never the build.

One UCI-shaped file holds ordinary lines of three customers and, one per line, the
values real exports contain: quantities `NaN`, `inf` and `1e19`, a price of `1e19`,
a line whose amount would overflow the sums, dates in 2099 and in year 1, and an
invoice number that carries two customers. The build must pass, each bad line must
carry the reason the table below expects, the as-of date must ignore the rejected
lines, and the accounting must still be exact. Vars that must be dates are checked
before they reach SQL. Crafted settings (an injection through each var) and bad
files are in test_bad_inputs.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.builds import DbtRun, run_dbt

pytestmark = pytest.mark.integration

HEADER = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice"]
HEADER += ["CustomerID", "Country"]
GOOD = [
    (
        "536365",
        "85123A",
        "HEART HOLDER",
        "6",
        "2011-01-03 10:00:00",
        "2.55",
        "17850",
        "United Kingdom",
    ),
    (
        "536366",
        "71053",
        "WHITE LANTERN",
        "2",
        "2011-02-03 10:00:00",
        "3.39",
        "17850",
        "United Kingdom",
    ),
    ("536367", "84406B", "CREAM CUPID", "8", "2011-03-01 09:00:00", "2.75", "13047", "France"),
    ("536368", "84029G", "UNION FLAG", "3", "2011-03-15 12:00:00", "4.25", "12583", "France"),
]
# (line, expected reason); lines are numbered after the GOOD ones
BAD = [
    (
        ("536370", "85123A", "X", "NaN", "2011-01-05 10:00:00", "2.55", "17850", "UK"),
        "quantity_out_of_range",
    ),
    (
        ("536371", "85123A", "X", "inf", "2011-01-05 10:00:00", "2.55", "17850", "UK"),
        "quantity_out_of_range",
    ),
    (
        ("536372", "85123A", "X", "1e19", "2011-01-05 10:00:00", "2.55", "17850", "UK"),
        "quantity_out_of_range",
    ),
    (
        ("536373", "85123A", "X", "2", "2011-01-05 10:00:00", "1e19", "17850", "UK"),
        "price_out_of_range",
    ),
    (
        ("536374", "85123A", "X", "100000000", "2011-01-05 10:00:00", "200000", "17850", "UK"),
        "amount_out_of_range",
    ),
    (
        ("536375", "85123A", "X", "1", "2099-01-01 10:00:00", "2.55", "17850", "UK"),
        "date_out_of_range",
    ),
    (
        ("536376", "85123A", "X", "1", "0001-01-01 10:00:00", "2.55", "17850", "UK"),
        "date_out_of_range",
    ),
    (
        ("536377", "85123A", "X", "1", "2011-01-07 10:00:00", "2.55", "17850", "UK"),
        "invoice_with_several_customers",
    ),
    (
        ("536377", "71053", "Y", "1", "2011-01-07 10:00:00", "3.39", "13047", "UK"),
        "invoice_with_several_customers",
    ),
]


def write_file(path: Path) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(GOOD)
        writer.writerows(line for line, _ in BAD)
    return path


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    work = tmp_path_factory.mktemp("bad_values")
    path = write_file(work / "export.csv")
    return run_dbt(work, ["build"], {"transactions_path": str(path)}, check=False)


def test_the_build_passes(bad_build: DbtRun) -> None:
    assert bad_build.returncode == 0, bad_build.output[-4000:]


def test_each_bad_value_rejects_its_line_with_its_reason(bad_build: DbtRun) -> None:
    rejected = bad_build.query("select line_id, rejection_reason from fct_rejected_lines")
    got = dict(zip(rejected.line_id.astype(int), rejected.rejection_reason, strict=True))
    expected = {len(GOOD) + i + 1: reason for i, (_, reason) in enumerate(BAD)}
    assert got == expected


def test_the_good_lines_are_sales_and_the_accounting_is_exact(bad_build: DbtRun) -> None:
    sales = bad_build.query("select line_id from fct_sales_lines order by line_id")
    assert sales.line_id.tolist() == list(range(1, len(GOOD) + 1))
    counts = bad_build.query(
        "select (select count(*) from fct_sales_lines) + (select count(*) from fct_rejected_lines)"
        " + (select count(*) from fct_cancellation_lines) as lines"
    )
    assert int(counts.lines.iloc[0]) == len(GOOD) + len(BAD)


def test_the_as_of_date_ignores_rejected_lines(bad_build: DbtRun) -> None:
    # the last good line is 2011-03-15: the 2099 line must not move the as-of date
    customers = bad_build.query("select customer_id, as_of_date, recency_days from dim_customers")
    assert {str(d)[:10] for d in customers.as_of_date} == {"2011-03-16"}
    recency = dict(zip(customers.customer_id, customers.recency_days, strict=True))
    assert recency == {"17850": 41, "13047": 15, "12583": 1}


@pytest.mark.parametrize(
    ("var", "value", "model"),
    [
        ("as_of_date", "2011-13-01", "int_as_of_date"),
        ("earliest_invoice_date", "1990", "int_transaction_lines_classified"),
        ("latest_invoice_date", "tomorrow", "int_transaction_lines_classified"),
    ],
)
def test_a_date_var_that_is_not_a_date_stops_with_a_clear_error(
    tmp_path: Path, var: str, value: str, model: str
) -> None:
    """Checked when the model that uses the var is compiled, before any SQL runs
    (compiling only that model keeps the test fast; a build stops at the same step)."""
    path = write_file(tmp_path / "export.csv")
    run = run_dbt(
        tmp_path,
        ["compile", "--select", model],
        {"transactions_path": str(path), var: value},
        check=False,
    )
    assert run.returncode != 0
    assert f"The var {var}" in run.output and "YYYY-MM-DD" in run.output, run.output[-3000:]


# ---- settings are data, never SQL ------------------------------------------------


def test_paths_labels_and_headers_with_quotes_are_read_as_they_are(tmp_path: Path) -> None:
    """A folder called o'brien, a non-ASCII file name, a header with double quotes
    and a segment label with an apostrophe all work."""
    folder = tmp_path / "o'brien exports" / "año"
    folder.mkdir(parents=True)
    path = folder / "ventas ñ.csv"
    header = [*HEADER]
    header[3] = 'Quantity "units"'
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(GOOD)
    labels = ["Shop's best", "Middle", "Rest"]
    run = run_dbt(
        tmp_path,
        ["build"],
        {
            "transactions_path": str(path),
            "transactions_columns": {"quantity": 'Quantity "units"'},
            "country_segment_labels": labels,
        },
        check=False,
    )
    assert run.returncode == 0, run.output[-4000:]
    customers = run.query("select customer_id, frequency from dim_customers order by 1")
    assert customers.customer_id.tolist() == ["12583", "13047", "17850"]
    assert customers.frequency.tolist() == [1, 1, 2]
    source = run.query("select distinct source_file from base_retail__transaction_lines")
    assert source.source_file.tolist() == [str(path)]
    names = set(run.query("select segment_name from dim_country_segments").segment_name)
    assert names <= set(labels) and "Shop's best" in names
