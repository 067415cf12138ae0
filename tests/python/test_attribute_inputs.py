"""The customer attribute table: tolerant column names, nothing dropped silently."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from support.builds import run_dbt

pytestmark = pytest.mark.integration  # every test builds the project


def test_dropped_attribute_rows_are_reported_as_a_warning(tmp_path: Path) -> None:
    attributes = pd.DataFrame(
        {
            "Customer ID": ["0001", "0002", "", "0002", "3.0"],
            "Sex": ["Male", "Female", "Female", "Male", "f"],
            "Age": [19, 21, 35, 40, 23],
            "Annual Income (k$)": [15, 16, 17, 18, 19],
            "Spending Score (1-100)": [39, 81, 6, 77, 40],
        }
    )
    path = tmp_path / "people.csv"
    attributes.to_csv(path, index=False)
    run = run_dbt(
        tmp_path,
        [
            "build",
            "--select",
            "+stg_attributes__customers",
            "--indirect-selection",
            "cautious",
        ],
        {"customers_path": str(path)},
    )
    kept = run.query("select customer_id, gender, age from stg_attributes__customers order by 1")
    # independent rule: blank ids dropped, the first row of a repeated id kept,
    # ids normalised ("0001" -> "1", "3.0" -> "3")
    expected = attributes[attributes["Customer ID"] != ""].copy()
    expected["customer_id"] = expected["Customer ID"].map(lambda v: str(int(float(v))))
    expected = expected.drop_duplicates("customer_id", keep="first").sort_values("customer_id")
    assert kept.customer_id.tolist() == expected.customer_id.tolist()
    assert kept.gender.tolist() == ["Male", "Female", "Female"]
    assert "Warning in test source_rows_kept_or_reported_stg_attributes__customers" in run.output
    assert "Got 2 results, configured to warn" in run.output
