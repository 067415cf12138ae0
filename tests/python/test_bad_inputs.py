"""Bad files and bad settings, table-driven: each case names its expected outcome.

- **Bad lines** (`LINES`): one UCI-shaped file holds one case per line, built once
  (the line models, their unit tests and the accounting test). Each line must carry
  the reason the table expects (or be a sale, with the date or text the table
  expects), and the accounting must be exact. The file has a column no standard
  name maps (`Note`): two lines that differ only there are both kept.
- **Bad files** (`FILE_CASES`): empty, header-only, truncated, mixed-encoding,
  UTF-16 big-endian, malformed and unbalanced-quote files, and a latin-1 file read
  with an explicit `utf-8`, stop the build with an error naming the file and what
  to do. Several files are checked by one `dbt run` of the staging
  models that read them (the transactions, customer attribute and orders files are
  read by independent models, so each reports its own error). The files that must
  be read ride along: a latin-1 attribute table with the bad lines, a UTF-16 orders
  export with the orders group.
- **Whole-file outcomes**: a file whose every line is rejected (decimal commas,
  currency signs) and an `as_of_date` before all data stop with what happened.
- **Settings** (`INJECTIONS`): a crafted value through each var that reaches SQL
  either stops with a clear message or is read as a literal, and no table of an
  existing warehouse changes.
"""

from __future__ import annotations

import csv
import gzip
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from support.builds import DbtRun, run_dbt

from retail_segments.demo_data.tables import TRANSACTION_COLUMNS

pytestmark = pytest.mark.integration

HEADER = list(TRANSACTION_COLUMNS)  # the UCI Online Retail I header
# the bad-lines file has one more column, which no standard name maps
LINES_HEADER = [*HEADER, "Note"]
ISO = "2011-01-05 10:00:00"


def line(
    invoice: str = "540001",
    stock: str = "85123A",
    quantity: str = "2",
    date: str = ISO,
    price: str = "2.55",
    customer: str = "17850",
    country: str = "United Kingdom",
) -> tuple[str, ...]:
    return (invoice, stock, "HEART HOLDER", quantity, date, price, customer, country)


def noted(fields: tuple[str, ...], note: str) -> tuple[str, ...]:
    """A line of the bad-lines file with its Note column (the other lines have it empty)."""
    return (*fields, note)


@dataclass(frozen=True)
class LineCase:
    """One line of the bad-lines file and what it must become."""

    name: str
    fields: tuple[str, ...]
    status: str  # sale, cancellation or the rejection reason
    invoice_date: str | None = None  # for a sale: the date it must be read as
    country: str | None = None  # for a sale: the country text as read


# Unique invoice numbers keep the cases apart (an invoice with two customers is a
# case of its own); the dates in the file disagree on day/month order (line
# "day-first only" and "month-first only"), so the ambiguous line is rejected.
LINES = [
    LineCase("plain sale", line("540001"), "sale", "2011-01-05"),
    LineCase("float customer id", line("540002", customer="13047.0"), "sale"),
    LineCase("valid UTF-8 country", line("540003", country="España"), "sale", country="España"),
    LineCase("NaN quantity", line("540004", quantity="NaN"), "quantity_out_of_range"),
    LineCase("infinite quantity", line("540005", quantity="-inf"), "quantity_out_of_range"),
    LineCase("huge quantity", line("540006", quantity="1e19"), "quantity_out_of_range"),
    LineCase("huge price", line("540007", price="1e19"), "price_out_of_range"),
    LineCase(
        "overflowing amount",
        line("540008", quantity="100000000", price="200000"),
        "amount_out_of_range",
    ),
    LineCase("date in 2099", line("540009", date="2099-01-01 10:00:00"), "date_out_of_range"),
    LineCase("date in year 1", line("540010", date="0001-01-01 10:00:00"), "date_out_of_range"),
    LineCase("decimal comma price", line("540011", price="2,55"), "unparseable_price"),
    LineCase("currency sign price", line("540012", price="£2.55"), "unparseable_price"),
    LineCase("fractional quantity", line("540013", quantity="2.5"), "unparseable_quantity"),
    LineCase("text date", line("540014", date="yesterday"), "unparseable_date"),
    LineCase("31 February", line("540015", date="31/02/2011 10:00"), "unparseable_date"),
    LineCase("day-first only", line("540016", date="13/01/2011 10:00"), "sale", "2011-01-13"),
    LineCase("month-first only", line("540017", date="01/14/2011 10:00"), "sale", "2011-01-14"),
    LineCase("either way", line("540018", date="01/02/2011 10:00"), "ambiguous_date"),
    LineCase("day equals month", line("540019", date="03/03/2011 10:00"), "sale", "2011-03-03"),
    LineCase("blank invoice", line(""), "missing_invoice"),
    LineCase("blank stock code", line("540020", stock=""), "missing_stock_code"),
    LineCase("first of two copies", line("540021"), "sale"),
    LineCase("second copy", line("540021"), "exact_duplicate"),
    LineCase("bad-debt adjustment", line("A540022"), "bad_debt_adjustment"),
    LineCase("postage", line("540023", stock="POST"), "non_product_code"),
    LineCase("blank customer", line("540024", customer=""), "missing_customer"),
    LineCase("invoice, customer 1", line("540025"), "invoice_with_several_customers"),
    LineCase(
        "invoice, customer 2",
        line("540025", stock="71053", customer="12583"),
        "invoice_with_several_customers",
    ),
    LineCase("zero quantity", line("540026", quantity="0"), "zero_quantity"),
    LineCase("negative price", line("540027", price="-1"), "non_positive_price"),
    LineCase("cancellation", line("C540028", quantity="-1"), "cancellation"),
    LineCase("positive cancellation", line("C540029"), "cancellation_with_positive_quantity"),
    LineCase(
        "negative sale", line("540030", quantity="-3"), "negative_quantity_without_cancellation"
    ),
    # the duplicate key covers every column of the file, the unmapped Note too
    LineCase("noted line", noted(line("540031"), "gift wrap"), "sale"),
    LineCase("same line, another note", noted(line("540031"), "no wrap"), "sale"),
]
LINE_MODELS = "+fct_sales_lines +fct_cancellation_lines +fct_rejected_lines int_as_of_date"
# built with it: an attribute table with a latin-1 byte on line 3 and no UTF-8 letter
LINE_MODELS += " base_attributes__customers"


def write_csv(path: Path, rows: list[tuple[str, ...]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def good_rows(count: int) -> list[tuple[str, ...]]:
    return [line(str(541000 + i), customer=str(12000 + i % 5)) for i in range(count)]


@pytest.fixture(scope="module")
def lines_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """The bad-lines file, built once: line models, their unit tests, the accounting."""
    work = tmp_path_factory.mktemp("bad_lines")
    rows = [
        case.fields if len(case.fields) == len(LINES_HEADER) else noted(case.fields, "")
        for case in LINES
    ]
    path = write_csv(work / "export.csv", rows, LINES_HEADER)
    return run_dbt(
        work,
        ["build", "--select", LINE_MODELS, "--indirect-selection", "cautious"],
        {"transactions_path": str(path), "customers_path": str(latin1_attributes(work))},
        check=False,
    )


def test_the_line_models_their_unit_tests_and_the_accounting_pass(lines_build: DbtRun) -> None:
    assert lines_build.returncode == 0, lines_build.output[-4000:]
    assert "assert_every_raw_line_is_accounted_for" in lines_build.output
    assert "test_stg_retail__invoice_dates_reads_dates_as_the_file_writes_them" in (
        lines_build.output
    )


@pytest.mark.parametrize("case", LINES, ids=[case.name for case in LINES])
def test_each_line_gets_its_expected_outcome(lines_build: DbtRun, case: LineCase) -> None:
    number = LINES.index(case) + 1
    row = lines_build.query(
        "select line_status, rejection_reason, cast(invoice_date as varchar) as invoice_date,"
        f" country from int_transaction_lines_classified where source_line_number = {number}"
    )
    assert len(row) == 1
    reason = row.rejection_reason.iloc[0]
    got = row.line_status.iloc[0] if pd.isna(reason) else reason
    assert got == case.status
    if case.invoice_date is not None:
        assert row.invoice_date.iloc[0] == case.invoice_date
    if case.country is not None:
        assert row.country.iloc[0] == case.country


def test_every_line_is_in_exactly_one_line_table(lines_build: DbtRun) -> None:
    counts = lines_build.query(
        "select (select count(*) from fct_sales_lines) as sales,"
        " (select count(*) from fct_cancellation_lines) as cancellations,"
        " (select count(*) from fct_rejected_lines) as rejected"
    ).iloc[0]
    expected_sales = sum(case.status == "sale" for case in LINES)
    expected_cancellations = sum(case.status == "cancellation" for case in LINES)
    assert int(counts.sales) == expected_sales
    assert int(counts.cancellations) == expected_cancellations
    assert int(counts.rejected) == len(LINES) - expected_sales - expected_cancellations
    encoding = lines_build.query(
        "select distinct source_encoding from base_retail__transaction_lines"
    )
    assert encoding.source_encoding.tolist() == ["utf-8"]


def test_the_unmapped_column_is_kept_as_text_for_the_duplicate_key(lines_build: DbtRun) -> None:
    first = next(i for i, case in enumerate(LINES, 1) if case.name == "noted line")
    values = lines_build.query(
        "select source_line_number, unmapped_values from base_retail__transaction_lines"
        f" where source_line_number in (1, {first}, {first + 1}) order by 1"
    ).unmapped_values.tolist()
    assert values == ['{"Note":null}', '{"Note":"gift wrap"}', '{"Note":"no wrap"}']


# ---- bad files -------------------------------------------------------------------


def write_bytes(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def csv_bytes(rows: list[tuple[str, ...]], header: list[str] = HEADER) -> bytes:
    return "".join(",".join(row) + "\n" for row in [tuple(header), *rows]).encode("utf-8")


ATTRIBUTES_HEADER = ["CustomerID", "Genre", "Age", "Annual Income (k$)", "Spending Score (1-100)"]
ORDERS_HEADER = ["Order ID", "Customer ID", "Total", "Payment Status", "Paid At"]


def truncated_gzip(path: Path) -> Path:
    """A gzipped file cut in the middle, as an interrupted download leaves it."""
    whole = gzip.compress(csv_bytes(good_rows(3000)))
    return write_bytes(path, whole[: len(whole) // 2])


def mixed_encoding(path: Path) -> Path:
    """Valid UTF-8 `España` on line 2, a latin-1 byte on line 4."""
    content = csv_bytes([("1", "Male", "30", "15", "39")], ATTRIBUTES_HEADER)
    content += "2,Señora,31,16,40\n".encode()
    content += "3,Se\xf1or,32,17,41\n".encode("latin-1")
    return write_bytes(path, content)


def malformed(path: Path) -> Path:
    """Line 3 has a field too many."""
    content = csv_bytes([("1", "Male", "30", "15", "39")], ATTRIBUTES_HEADER)
    content += b"2,Female,31,16,40,extra\n3,Male,32,17,41\n"
    return write_bytes(path, content)


def utf16_big_endian(path: Path) -> Path:
    text = csv_bytes(good_rows(3)).decode("utf-8")
    return write_bytes(path, b"\xfe\xff" + text.encode("utf-16-be"))


def utf16_orders(path: Path) -> Path:
    """Little-endian UTF-16 with its byte-order mark (what Excel's "Unicode text" writes)."""
    text = csv_bytes(
        [("1", "7", "10.50", "paid", ISO), ("2", "8", "11.00", "payé", ISO)], ORDERS_HEADER
    )
    return write_bytes(path, text.decode("utf-8").encode("utf-16"))


def latin1_people(path: Path) -> Path:
    """An attribute table with a latin-1 byte on line 3 and no UTF-8 letter."""
    content = csv_bytes([("1", "Male", "30", "15", "39")], ATTRIBUTES_HEADER)
    content += "2,Fem\xe9nin,31,16,40\n".encode("latin-1")
    return write_bytes(path, content)


def latin1_attributes(folder: Path) -> Path:
    return latin1_people(folder / "latin1 people.csv")


def unbalanced_quote(path: Path) -> Path:
    """Quoted descriptions with a comma on lines 3, 5 and 7, an opening quote never
    closed on line 8: the reader's dialect detection gives up on the quotes and
    names line 3, a good line."""
    rows = [line(str(540100 + i)) for i in range(6)]
    quoted = [",".join(row).replace("HEART HOLDER", '"HEART, HOLDER"') for row in rows[1::2]]
    text = [",".join(HEADER)]
    for i, row in enumerate(rows):
        text.append(quoted[i // 2] if i % 2 else ",".join(row))
    text.append(",".join(line("540199")).replace("HEART HOLDER", '"BROKEN HEART'))
    text += [",".join(line(str(540200 + i))) for i in range(5)]
    return write_bytes(path, ("\n".join(text) + "\n").encode())


def windows_1252(path: Path) -> Path:
    """Excel's "ANSI" CSV: a curly apostrophe (byte 92) on line 4, no UTF-8 letter."""
    rows = [line(str(540300 + i)) for i in range(4)]
    rows[2] = [value.replace("HEART HOLDER", "HEART\u2019S HOLDER") for value in rows[2]]
    text = "\n".join(",".join(row) for row in [list(HEADER), *rows]) + "\n"
    return write_bytes(path, text.encode("cp1252"))


@dataclass(frozen=True)
class FileCase:
    """A bad file given through `var`, and the words its error must hold."""

    name: str
    var: str
    write: Callable[[Path], Path]
    words: tuple[str, ...]
    absent: tuple[str, ...] = ()  # words the error must not hold


FILE_GROUPS: dict[str, tuple[dict[str, object], list[FileCase]]] = {
    "line_items_1": (
        {},
        [
            FileCase(
                "truncated gzip",
                "transactions_path",
                truncated_gzip,
                ("is truncated", "last line", "gzip -t"),
            ),
            FileCase(
                "mixed encodings",
                "customers_path",
                mixed_encoding,
                ("mixes encodings", "line 4", "transactions_encoding: latin-1"),
            ),
        ],
    ),
    "line_items_2": (
        {},
        [
            FileCase(
                "UTF-16 big-endian",
                "transactions_path",
                utf16_big_endian,
                ("UTF-16 big-endian", "iconv"),
            ),
            FileCase(
                "a field too many",
                "customers_path",
                malformed,
                ("do not have the header's fields", "line 3", "2,Female,31,16,40,extra"),
            ),
        ],
    ),
    "explicit_utf8": (
        {"transactions_encoding": "utf-8"},
        [
            FileCase(
                "unbalanced quote",
                "transactions_path",
                unbalanced_quote,
                ("do not have the header's fields", 'Line 8 has an unbalanced "', "BROKEN HEART"),
                ("no column found",),
            ),
            FileCase(
                "utf-8 asked, latin-1 given",
                "customers_path",
                latin1_people,
                ("is not valid utf-8", "the first is line 3", "transactions_encoding: latin-1"),
            ),
        ],
    ),
    "single_byte": (
        {},
        [
            FileCase(
                "Windows-1252",
                "transactions_path",
                windows_1252,
                ("neither UTF-8 nor latin-1", "line 4", "Windows-1252", "iconv -f CP1252"),
            ),
        ],
    ),
    # the same file gzipped: DuckDB's latin-1 reader stops it; the warning before names
    # the first line that is not UTF-8 and says what to do (run.py build names the
    # Windows-1252 line itself: test_gzip_encoding)
    "single_byte_gzip": (
        {},
        [
            FileCase(
                "Windows-1252 gzipped",
                "transactions_path",
                lambda path: write_bytes(path, gzip.compress(windows_1252(path).read_bytes())),
                (
                    "is not UTF-8",
                    "the first at line 4",
                    "File is not latin-1 encoded",
                    "iconv -f CP1252",
                ),
            ),
        ],
    ),
    "orders": (
        {"input_shape": "orders"},
        [
            FileCase(
                "header only",
                "order_customers_path",
                lambda path: write_bytes(path, b"Customer ID,Country\n"),
                ("has a header line but no data lines",),
            ),
            FileCase(
                "0 bytes",
                "customers_path",
                lambda path: write_bytes(path, b""),
                ("is empty", "no header line"),
            ),
        ],
    ),
}
# files of a group that must be read (see test_a_utf16_file_is_read_as_utf16)
GOOD_FILES = {"orders": {"orders_path": utf16_orders}}
STAGING_MODEL = {
    "transactions_path": "base_retail__transaction_lines",
    "customers_path": "base_attributes__customers",
    "orders_path": "base_shop__orders",
    "order_customers_path": "base_shop__customers",
}
SUFFIX = {"truncated gzip": ".csv.gz", "Windows-1252 gzipped": ".csv.gz"}


@pytest.fixture(scope="module")
def file_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[DbtRun, dict[str, Path]]]:
    """One `dbt run` of the staging models per group, each file through its var."""
    runs = {}
    for group, (settings, cases) in FILE_GROUPS.items():
        work = tmp_path_factory.mktemp(group)
        paths = {}
        for case in cases:
            name = re.sub("[^a-z0-9]+", "_", case.name) + SUFFIX.get(case.name, ".csv")
            paths[case.name] = case.write(work / name)
        dbt_vars = {**settings, **{case.var: str(paths[case.name]) for case in cases}}
        models = [STAGING_MODEL[case.var] for case in cases]
        for var, write in GOOD_FILES.get(group, {}).items():
            dbt_vars[var] = str(write(work / f"good_{var}.csv"))
            models.append(STAGING_MODEL[var])
        runs[group] = (run_dbt(work, ["run", "--select", *models], dbt_vars, check=False), paths)
    return runs


FILE_CASES = [(group, case) for group, (_, cases) in FILE_GROUPS.items() for case in cases]


@pytest.mark.parametrize(("group", "case"), FILE_CASES, ids=[case.name for _, case in FILE_CASES])
def test_a_bad_file_stops_with_an_error_naming_it(
    file_runs: dict[str, tuple[DbtRun, dict[str, Path]]], group: str, case: FileCase
) -> None:
    run, paths = file_runs[group]
    assert run.returncode != 0
    # the error of this file: from its path to the next error or the end
    output = " ".join(run.output.split())
    start = output.find(f"'{paths[case.name]}' (var {case.var})")
    if start < 0:
        start = output.find(f"'{paths[case.name]}'")
    assert start >= 0, run.output[-4000:]
    message = output[start : start + 700]
    for words in case.words:
        assert words in message, message
    for words in case.absent:
        assert words not in message, message
    errors = re.search(r"ERROR=(\d+)", run.output)
    assert errors is not None and int(errors.group(1)) == len(FILE_GROUPS[group][1])


def test_a_latin1_file_is_read_as_latin1_with_a_warning_naming_its_first_line(
    lines_build: DbtRun,
) -> None:
    """No UTF-8 letter in the file, a latin-1 byte on line 3: latin-1, and a warning."""
    output = " ".join(lines_build.output.split())
    assert "latin1 people.csv' is not UTF-8" in output
    assert "the first at line 3" in output and "so it is read as latin-1" in output
    genders = lines_build.query(
        "select gender, source_encoding from base_attributes__customers order by source_line_number"
    )
    assert genders.gender.tolist() == ["Male", "Feménin"]
    assert set(genders.source_encoding) == {"latin-1"}


def test_a_utf16_file_is_read_as_utf16(
    file_runs: dict[str, tuple[DbtRun, dict[str, Path]]],
) -> None:
    """Byte-order mark FF FE: read as UTF-16 (here the orders export of the orders group,
    whose other files fail; the orders model is built)."""
    run, _ = file_runs["orders"]
    orders = run.query(
        "select order_id, payment_status, source_encoding from base_shop__orders"
        " order by source_line_number"
    )
    assert orders.order_id.tolist() == ["1", "2"]
    assert orders.payment_status.tolist() == ["paid", "payé"]
    assert set(orders.source_encoding) == {"utf-16"}


# ---- whole-file outcomes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "price", "cause"),
    [(";", "{},55", "decimal comma"), (",", "£{}.50", "currency sign (e.g. £2.55)")],
    ids=["decimal comma", "currency sign"],
)
def test_a_file_whose_every_line_is_rejected_says_how_many_why_and_the_likely_cause(
    tmp_path: Path, delimiter: str, price: str, cause: str
) -> None:
    rows = [line(str(550000 + i), price=price.format(i + 1)) for i in range(6)]
    path = tmp_path / "prices.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(HEADER)
        writer.writerows(rows)
    run = run_dbt(
        tmp_path,
        # build, for the seed; the data tests are not needed to reach the check
        ["build", "--select", "+int_as_of_date", "--exclude", "resource_type:test"],
        {"transactions_path": str(path)},
        check=False,
    )
    assert run.returncode != 0
    output = " ".join(run.output.split())
    assert f"File {path} (var transactions_path): every one of its 6 lines was rejected" in output
    assert "unparseable_price (6 lines)" in output and cause in output


def copy_of(build: DbtRun, workdir: Path) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(build.database, workdir / "warehouse.duckdb")
    return workdir


def tables_and_contents(run: DbtRun) -> dict[str, tuple[str, str]]:
    """Every base table of the warehouse with its row count and a hash of its rows."""
    tables = run.query(
        "select table_name from information_schema.tables where table_type = 'BASE TABLE'"
    ).table_name
    contents = {}
    for name in sorted(tables):
        row = run.query(
            "select cast(count(*) as varchar) as n,"
            f' cast(coalesce(sum(hash(t)), 0) as varchar) as h from "{name}" as t'
        ).iloc[0]
        contents[name] = (row.n, row.h)
    return contents


def test_an_as_of_date_before_all_data_stops_with_what_happened(
    lines_build: DbtRun, tmp_path: Path
) -> None:
    before = tables_and_contents(lines_build)
    run = run_dbt(
        copy_of(lines_build, tmp_path),
        ["run", "--select", "int_as_of_date"],
        {"transactions_path": "unused.csv", "as_of_date": "2010-06-01"},
        check=False,
    )
    assert run.returncode != 0
    output = " ".join(run.output.split())
    assert "The var as_of_date (2010-06-01) is not after the first valid line" in output
    assert "(2011-01-05; the last is 2011-03-03)" in output
    assert tables_and_contents(run) == before


# ---- settings are data, never SQL --------------------------------------------------

DROP = "'; drop table fct_sales_lines; --"


@dataclass(frozen=True)
class Injection:
    """Crafted vars, the models that read them, and the words each error must hold."""

    name: str
    dbt_vars: Mapping[str, object]
    command: tuple[str, ...]
    words: tuple[str, ...]


INJECTIONS = [
    Injection(
        "as_of_date",
        {"as_of_date": "2011-12-01" + DROP},
        ("run", "--select", "int_as_of_date"),
        ("The var as_of_date must be a date written YYYY-MM-DD",),
    ),
    Injection(
        "rfm_tier_bins",
        {"rfm_tier_bins": {"low_max": "8) or (1=1", "mid_max": 11}},
        ("run", "--select", "int_customers_rfm_scored"),
        ("The var rfm_tier_bins.low_max must be a whole number",),
    ),
    Injection(
        "recommendations_per_customer",
        {"recommendations_per_customer": "3; drop table fct_sales_lines"},
        ("run", "--select", "fct_customer_product_recommendations"),
        ("The var recommendations_per_customer must be a whole number",),
    ),
    Injection(
        "export_path",
        {"export_path": "/tmp/x" + DROP},
        ("run", "--select", "export_customer_segments"),
        ("The var export_path gives the export folder", "single quote"),
    ),
    Injection(
        "currency",
        {"currency": "GBP" + DROP},
        ("run", "--select", "diag_build_settings"),
        ("The var currency must be a three-letter ISO 4217 code",),
    ),
    Injection(
        "customer_segment_features",
        {"customer_segment_features": ["monetary from x; drop table fct_sales_lines; --"]},
        ("run", "--select", "int_customer_segments_matched_to_playbook"),
        ("The var customer_segment_features must name columns",),
    ),
    Injection(
        "transactions_path, customers_columns",
        {
            "transactions_path": "/nowhere/x.csv" + DROP,
            "customers_columns": {
                "customer_id": 'CustomerID" from x; drop table fct_sales_lines; --'
            },
        },
        ("run", "--select", "base_retail__transaction_lines", "base_attributes__customers"),
        (
            "Transactions file not found: '/nowhere/x.csv" + DROP,
            "customers_columns maps customer_id to 'CustomerID\" from x",
        ),
    ),
    Injection(
        "orders_path, customers_path, transactions_encoding",
        {
            "input_shape": "orders",
            "orders_path": "/nowhere/orders.csv" + DROP,
            "customers_path": "/nowhere/people.csv" + DROP,
            "transactions_encoding": "utf-8'); select 1; --",
        },
        (
            "run",
            "--select",
            "base_shop__orders",
            "base_attributes__customers",
            "base_shop__customers",
        ),
        (
            "Orders file not found: '/nowhere/orders.csv" + DROP,
            "Customer attributes file not found: '/nowhere/people.csv" + DROP,
            "Unknown transactions_encoding",
        ),
    ),
]


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = [("1", "Male", "30", "15", "39"), ("2", "Female", "31", "16", "40")]
    return write_csv(tmp_path_factory.mktemp("people") / "people.csv", rows, ATTRIBUTES_HEADER)


@pytest.mark.parametrize("case", INJECTIONS, ids=[case.name for case in INJECTIONS])
def test_a_crafted_setting_stops_with_a_clear_error_and_changes_no_table(
    lines_build: DbtRun, people: Path, tmp_path: Path, case: Injection
) -> None:
    before = tables_and_contents(lines_build)
    # the other files of the case exist, so that each error is the crafted var's
    dbt_vars: dict[str, object] = {
        "transactions_path": str(people),
        "customers_path": str(people),
        "order_customers_path": str(people),
        **case.dbt_vars,
    }
    run = run_dbt(copy_of(lines_build, tmp_path), list(case.command), dbt_vars, check=False)
    assert run.returncode != 0
    output = " ".join(run.output.split())
    for words in case.words:
        assert words in output, run.output[-4000:]
    assert tables_and_contents(run) == before


def test_crafted_formats_and_labels_are_read_as_literals(
    lines_build: DbtRun, tmp_path: Path
) -> None:
    """Timestamp formats and segment labels reach SQL as string literals: the quote
    is doubled in the compiled SQL, so the crafted text is a format or label that
    matches nothing, and nothing else runs."""
    crafted_format = "%d/%m/%Y" + DROP
    crafted_label = "High" + DROP
    work = copy_of(lines_build, tmp_path)
    run = run_dbt(
        work,
        [
            "compile",
            "--select",
            "stg_retail__invoice_dates",
            "assert_country_segment_ids_follow_revenue",
        ],
        {
            "transactions_path": "unused.csv",
            "transactions_timestamp_formats": [crafted_format],
            "country_segment_labels": [crafted_label, "Medium", "Low"],
        },
        check=False,
    )
    assert run.returncode == 0, run.output[-4000:]
    compiled = {path.name: path.read_text() for path in (work / "target").rglob("*.sql")}
    staging = compiled["stg_retail__invoice_dates.sql"]
    assert "'" + crafted_format.replace("'", "''") + "'" in staging
    assert crafted_format not in staging.replace(crafted_format.replace("'", "''"), "")
    test_sql = compiled["assert_country_segment_ids_follow_revenue.sql"]
    assert "'" + crafted_label.replace("'", "''") + "'" in test_sql
