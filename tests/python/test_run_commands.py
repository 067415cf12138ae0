"""The command lines `run.py` and `retail_segments.dbt_runner` put together (no dbt run)."""

from __future__ import annotations

import json
from pathlib import Path

import run
from retail_segments import dbt_runner


def test_test_command_passes_arguments_through_to_two_workers() -> None:
    assert run.pytest_arguments(["-k", "report", "-x"]) == [
        *("-n", "2"),
        *("-k", "report", "-x"),
    ]


def test_a_given_worker_count_replaces_the_default() -> None:
    assert run.pytest_arguments(["-n", "0", "-x"]) == ["-n", "0", "-x"]


def test_fast_leaves_the_integration_tests_out() -> None:
    arguments = run.pytest_arguments(["--fast", "-x"])
    assert arguments == ["-n", "2", "-m", "not integration", "-x"]


def test_dbt_command_points_at_the_project_and_passes_vars_as_json(tmp_path: Path) -> None:
    command = dbt_runner.dbt_command(
        ["build", "--select", "dim_customers"],
        {"transactions_path": "/data/x.csv", "customer_k": 5},
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
    )
    assert command[1:4] == ["build", "--select", "dim_customers"]
    options = dict(zip(command[4::2], command[5::2], strict=True))
    assert options["--project-dir"] == options["--profiles-dir"] == str(dbt_runner.PROJECT_DIR)
    assert options["--target-path"] == str(tmp_path / "target")
    assert options["--log-path"] == str(tmp_path / "logs")
    assert json.loads(options["--vars"]) == {"transactions_path": "/data/x.csv", "customer_k": 5}


def test_dbt_command_leaves_out_what_is_not_given() -> None:
    command = dbt_runner.dbt_command(["debug"])
    assert not {"--target-path", "--log-path", "--vars"} & set(command)


def test_dbt_environment_names_the_warehouse_and_sends_no_usage_stats(tmp_path: Path) -> None:
    env = dbt_runner.dbt_environment(tmp_path / "w.duckdb")
    assert env["SEGMENTS_DUCKDB_PATH"] == str(tmp_path / "w.duckdb")
    assert env["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "false"
