"""The row counts every pipeline of the scale benchmark prints, and their comparison.

The hand-written DuckDB script and the pandas pipeline print their counts as one
``counts: {json}`` line (after a readable summary); ``benchmarks/scale.py`` reads that
line back, queries the same numbers from the dbt marts and compares them all.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
MARKER = "counts: "
REVENUE_TOLERANCE = 0.01  # currency units; decimal and float sums of cents


@dataclass(frozen=True)
class Counts:
    """What each pipeline must agree on."""

    sales: int
    cancellations: int
    rejected: int
    customers: int
    revenue: float  # sum of monetary over customers (2 decimals)
    countries: int
    products: int
    rejected_by_reason: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, row: tuple, reasons: list[tuple[str, int]]) -> Counts:
        """From one row (sales, cancellations, rejected, customers, revenue, countries,
        products) and (reason, lines) pairs: how every pipeline's SQL reports them."""
        sales, cancellations, rejected, customers, revenue, countries, products = row
        return cls(
            sales=sales,
            cancellations=cancellations,
            rejected=rejected,
            customers=customers,
            revenue=round(revenue or 0.0, 2),
            countries=countries,
            products=products,
            rejected_by_reason=dict(reasons),
        )

    def summary(self) -> str:
        reasons = ", ".join(f"{name} {n:,}" for name, n in sorted(self.rejected_by_reason.items()))
        return (
            f"sales {self.sales:,}, cancellations {self.cancellations:,},"
            f" rejected {self.rejected:,}, customers {self.customers:,},"
            f" revenue {self.revenue:,.2f}, countries {self.countries},"
            f" products {self.products:,}\n"
            f"rejected by reason: {reasons}"
        )

    def emit(self) -> None:
        """Print the readable summary, then the machine-readable line."""
        print(self.summary())
        print(MARKER + json.dumps(asdict(self), sort_keys=True), flush=True)


def parse(output: str) -> Counts:
    """The counts from a pipeline's stdout (the last ``counts:`` line)."""
    lines = [line for line in output.splitlines() if line.startswith(MARKER)]
    if not lines:
        raise ValueError("no 'counts:' line in the output")
    return Counts(**json.loads(lines[-1][len(MARKER) :]))


def differences(left: Counts, right: Counts) -> list[str]:
    """One message per count on which the two disagree (empty when they agree)."""
    found: list[str] = []
    for name, value in asdict(left).items():
        other = getattr(right, name)
        if name == "revenue":
            if abs(value - other) > REVENUE_TOLERANCE:
                found.append(f"revenue {value:,.2f} != {other:,.2f}")
        elif value != other:
            found.append(f"{name} {value} != {other}")
    return found


def timestamp_formats() -> list[str]:
    """The strptime formats the dbt project tries (var transactions_timestamp_formats)."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return list(project["vars"]["transactions_timestamp_formats"])


def profile_memory_limit() -> str:
    """DuckDB memory limit of profiles.yml: SEGMENTS_DUCKDB_MEMORY_LIMIT or its default."""
    text = (PROJECT_DIR / "profiles.yml").read_text()
    found = re.search(r"env_var\('SEGMENTS_DUCKDB_MEMORY_LIMIT', '([^']+)'\)", text)
    default = found.group(1) if found else "4GB"
    return os.environ.get("SEGMENTS_DUCKDB_MEMORY_LIMIT", default)


def non_product_seed() -> tuple[list[str], list[str]]:
    """Exact codes and prefixes listed in seeds/non_product_stock_codes.csv."""
    with (PROJECT_DIR / "seeds" / "non_product_stock_codes.csv").open(newline="") as handle:
        rows: list[dict[str, Any]] = list(csv.DictReader(handle))
    exact = [row["stock_code"] for row in rows if row["match_type"] == "exact"]
    prefixes = [row["stock_code"] for row in rows if row["match_type"] == "prefix"]
    return exact, prefixes
