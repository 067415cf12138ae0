"""SQL style: sqlfluff (dbt templater, DuckDB dialect, settings in .sqlfluff) is clean.

The dbt templater compiles the project, which reads the input files, so the test
generates small demo data and passes its paths as dbt vars through an extra
sqlfluff config file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from retail_segments.demo_data import write_demo_data

pytestmark = pytest.mark.integration  # sqlfluff's dbt templater compiles the project with dbt

PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_sqlfluff_lint_is_clean(tmp_path: Path) -> None:
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    if not sqlfluff.exists():
        pytest.skip("sqlfluff is not installed (it is in requirements-dev.txt)")
    files = write_demo_data(tmp_path / "data", n_lines=3000, seed=1)
    config = tmp_path / "vars.cfg"
    config.write_text(
        "[sqlfluff:templater:dbt:context]\n"
        f"transactions_path = {files['transactions']}\n"
        f"customers_path = {files['attributes']}\n"
    )
    sql_files = ["models", *sorted(str(p) for p in (PROJECT_DIR / "tests").glob("*.sql"))]
    completed = subprocess.run(
        [str(sqlfluff), "lint", *sql_files, "--config", str(config)],
        cwd=PROJECT_DIR,
        env={**os.environ, "SEGMENTS_DUCKDB_PATH": str(tmp_path / "lint.duckdb")},
        capture_output=True,
        text=True,
        timeout=900,
    )
    violations = [line for line in completed.stdout.splitlines() if line.startswith(("==", "L:"))]
    assert completed.returncode == 0, "\n".join(violations) or completed.stdout[-3000:]
