"""Read-only access to the built DuckDB warehouse: every query the report runs.

Only marts (dim_, fct_, diag_) and the seed rfm_segment_map are read. A table
that is missing answers None (or an empty frame for member lists), so each
section can say what was not built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from retail_segments.report.models import SegmentModel, models_from_rows

# segmentation -> the mart with one row per member (segment_id null: not clustered)
MEMBER_TABLES = {
    "customer": "dim_customers",
    "country": "dim_countries",
    "product": "dim_products",
    "demographic": "dim_customer_demographics",
}
PROFILE_TABLES = {
    "customer": "dim_customer_segments",
    "country": "dim_country_segments",
    "product": "dim_product_segments",
    "demographic": "dim_demographic_segments",
}
# the customer-value marts: per customer, the fit as data, the backtest
VALUE_PREDICTIONS = "fct_customer_value_predictions"
VALUE_PARAMETERS = "diag_customer_value_parameters"
VALUE_BACKTEST = "diag_customer_value_backtest"
BUILD_SETTINGS = "diag_build_settings"
PUBLISHED_BUILDS = "warehouse_builds"  # written by `run.py build` only
# the columns of a contact list, in this order (those the warehouse has)
CONTACT_COLUMNS = (
    "customer_id",
    "segment_id",
    "segment_name",
    "main_country",
    "last_purchase_at",
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "rfm_segment",
    "segment_goal",
    "segment_action",
)
CONTACT_VALUE_COLUMNS = ("p_alive", "churn_risk", "clv")
MEMBER_ORDER = {
    "customer": "customer_id",
    "country": "country",
    "product": "stock_code",
    "demographic": "customer_id",
}


def sweep_table(segmentation: str) -> str:
    return f"diag_{segmentation}_segment_sweep"


@dataclass(frozen=True)
class AsOf:
    date: dt.date
    source: str


@dataclass(frozen=True)
class Built:
    """When the warehouse was built (UTC) and by what."""

    at: dt.datetime
    source: str


class Warehouse:
    """Read-only access to the built DuckDB file."""

    def __init__(self, database: Path) -> None:
        if not Path(database).exists():
            raise FileNotFoundError(f"No warehouse at {database}: run `python3 run.py build` first")
        self.path = Path(database)
        self.con = duckdb.connect(str(database), read_only=True)
        rows = self.con.sql(
            "select table_name from information_schema.tables where table_schema = current_schema()"
        ).fetchall()
        self.tables = {name for (name,) in rows}

    def close(self) -> None:
        self.con.close()

    def has(self, *tables: str) -> bool:
        return all(table in self.tables for table in tables)

    def columns(self, table: str) -> list[str]:
        if table not in self.tables:
            return []
        return list(self.con.sql(f'select * from "{table}" limit 0').columns)

    def has_members(self, segmentation: str) -> bool:
        """The member table is there and carries the segment columns."""
        return {"segment_id", "segment_name"} <= set(self.columns(MEMBER_TABLES[segmentation]))

    def df(self, sql: str) -> pd.DataFrame:
        return self.con.sql(sql).df()

    def scalar(self, sql: str) -> object:
        row = self.con.sql(sql).fetchone()
        return None if row is None else row[0]

    def table(self, name: str, order_by: str | None = None) -> pd.DataFrame | None:
        """All rows of `name` (None when it was not built), stably sorted by `order_by`."""
        if name not in self.tables:
            return None
        frame = self.df(f'select * from "{name}"')
        if order_by and order_by in frame.columns:
            frame = frame.sort_values(order_by, kind="stable").reset_index(drop=True)
        return frame

    # ----------------------------------------------------------------- summary

    def customer_totals(self) -> tuple[int, float] | None:
        """Number of customers and their sales value."""
        if not self.has("dim_customers"):
            return None
        count, revenue = self.con.sql(
            "select count(*), sum(monetary) from dim_customers"
        ).fetchone()  # type: ignore[misc]
        return int(count), float(revenue or 0)

    def as_of(self) -> AsOf | None:
        """The date the facts are measured at, and where it came from."""
        if not self.has("dim_customers"):
            return None
        date = self.scalar("select max(as_of_date) from dim_customers")
        if date is None:
            return None
        return AsOf(pd.Timestamp(date).date(), self.as_of_source(pd.Timestamp(date).date()))

    def as_of_source(self, date: dt.date) -> str:
        last = self.last_invoice_date()
        if last is not None and date == last + dt.timedelta(days=1):
            return "day after the last invoice"
        return "var as_of_date"

    def last_invoice_date(self) -> dt.date | None:
        parts = [
            f"select max(invoice_date) as d from {t}"
            for t in ("fct_sales_lines", "fct_cancellation_lines")
            if self.has(t)
        ]
        if not parts:
            return None
        value = self.scalar(f"select cast(max(d) as date) from ({' union all '.join(parts)})")
        return None if value is None else pd.Timestamp(value).date()

    def invoice_span(self) -> pd.Series | None:
        """first, last invoice date and the number of invoices of fct_sales_lines."""
        if not self.has("fct_sales_lines"):
            return None
        return self.df(
            "select min(invoice_date) as first, max(invoice_date) as last, "
            "count(distinct invoice_no) as invoices from fct_sales_lines"
        ).iloc[0]

    def member_count(self, segmentation: str) -> int | None:
        table = MEMBER_TABLES[segmentation]
        if not self.has_members(segmentation):
            return None
        return int(self.scalar(f'select count(segment_id) from "{table}"'))  # type: ignore[arg-type]

    def build_settings(self) -> pd.Series | None:
        """The one row of diag_build_settings (None: a warehouse built before it)."""
        frame = self.table(BUILD_SETTINGS)
        return None if frame is None or frame.empty else frame.iloc[0]

    def published_build(self) -> pd.Series | None:
        """The last row of warehouse_builds (None: never published by `run.py build`)."""
        if not self.has(PUBLISHED_BUILDS):
            return None
        frame = self.df(f'select * from "{PUBLISHED_BUILDS}" order by build_number desc limit 1')
        return None if frame.empty else frame.iloc[0]

    def built(self) -> Built | None:
        """The later of the published build and dbt's run of diag_build_settings: a
        plain `dbt build` after `run.py build` rebuilds in place, without a new row."""
        found = []
        published = self.published_build()
        if published is not None and pd.notna(published["published_at"]):
            number = int(published["build_number"])
            found.append(
                Built(
                    pd.Timestamp(published["published_at"]).to_pydatetime(),
                    f"published build {number} (run.py build)",
                )
            )
        settings = self.build_settings()
        if settings is not None and pd.notna(settings["dbt_run_started_at"]):
            found.append(
                Built(
                    pd.Timestamp(settings["dbt_run_started_at"]).to_pydatetime(),
                    "dbt build started (no published build after it)",
                )
            )
        return max(found, key=lambda b: b.at) if found else None

    def currency_code(self) -> tuple[str, str] | None:
        """The var currency of the build and where it was read (None: not recorded)."""
        settings = self.build_settings()
        if settings is not None and isinstance(settings.get("currency"), str):
            return settings["currency"], "var currency"
        return None

    def contact_list(self, segment_id: int) -> pd.DataFrame:
        """The customers of one k-means segment, most valuable first, with their
        predicted value where it was built."""
        columns = [c for c in CONTACT_COLUMNS if c in self.columns("dim_customers")]
        select = ", ".join(f'c."{c}"' for c in columns)
        join = ""
        value_columns = [c for c in CONTACT_VALUE_COLUMNS if c in self.columns(VALUE_PREDICTIONS)]
        if value_columns:
            select += ", " + ", ".join(f'v."{c}"' for c in value_columns)
            join = f'left join "{VALUE_PREDICTIONS}" v on v.customer_id = c.customer_id'
        order = "c.monetary desc, " if "monetary" in columns else ""
        return self.df(
            f"select {select} from dim_customers c {join} "
            f"where c.segment_id = {int(segment_id)} order by {order}c.customer_id"
        )

    # ----------------------------------------------------------------- segmentations

    def models(self) -> dict[str, SegmentModel]:
        """Each segmentation's settings (project defaults without diag_segment_models)."""
        if not self.has("diag_segment_models"):
            return models_from_rows([])
        rows: list[Mapping[str, object]] = self.df(
            "select * from diag_segment_models order by segmentation"
        ).to_dict("records")
        return models_from_rows(rows)

    def sweep(self, segmentation: str) -> pd.DataFrame | None:
        return self.table(sweep_table(segmentation), order_by="k")

    def members(self, segmentation: str) -> pd.DataFrame:
        """The clustered members of a segmentation, in a fixed order (empty: not built)."""
        table = MEMBER_TABLES[segmentation]
        if not self.has_members(segmentation):
            return pd.DataFrame(columns=["segment_id", "segment_name"])
        return self.df(
            f'select * from "{table}" where segment_id is not null '
            f"order by {MEMBER_ORDER[segmentation]}"
        )

    def segments(self, segmentation: str) -> pd.DataFrame:
        """segment_id, segment_name of a segmentation in id order (empty: not built)."""
        table = MEMBER_TABLES[segmentation]
        if not self.has_members(segmentation):
            return pd.DataFrame(columns=["segment_id", "segment_name"])
        return self.df(
            f'select distinct segment_id, segment_name from "{table}" '
            "where segment_id is not null order by segment_id"
        )

    def profile(self, segmentation: str) -> pd.DataFrame | None:
        """One row per segment (dim_<segmentation>_segments) in id order."""
        return self.table(PROFILE_TABLES[segmentation], order_by="segment_id")

    # ----------------------------------------------------------------- RFM

    def rfm_segments(self) -> pd.DataFrame | None:
        return self.table("dim_rfm_segments")

    def rfm_cells(self) -> pd.DataFrame | None:
        """The seed's recency x frequency cells with the number of customers in each."""
        if not self.has("rfm_segment_map") or not self.has_members("customer"):
            return None
        cells = self.df('select * from "rfm_segment_map"')
        counts = self.df(
            "select recency_score, frequency_score, count(*) as customers "
            "from dim_customers where segment_id is not null group by all"
        )
        return cells.merge(counts, on=["recency_score", "frequency_score"], how="left").fillna(
            {"customers": 0}
        )

    # ----------------------------------------------------------------- customer value

    def value_predictions(self) -> pd.DataFrame | None:
        """One row per customer: P(alive), expected purchases, CLV (None: not built)."""
        return self.table(VALUE_PREDICTIONS, order_by="customer_id")

    def value_parameters(self) -> pd.DataFrame | None:
        """The fitted parameters of the full and the backtest fit (None: not built)."""
        return self.table(VALUE_PARAMETERS)

    def value_backtest(self) -> pd.DataFrame | None:
        """The backtest in total, by decile and by calibration frequency (None: not built)."""
        return self.table(VALUE_BACKTEST)
