"""The command lines `run.py`, `retail_segments.cli` and `retail_segments.dbt_runner`
put together, their help and their checks before dbt starts (no dbt run)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

import run
from retail_segments import cli, dbt_runner, publish


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


# ---- the command line: help, vars, input files, the end of a build -----------------

COMMAND_NAMES = ["build", "test", "report", "demo-data", "history"]


def test_help_exits_0_and_lists_every_command_on_one_line(capsys) -> None:
    assert run.main(["--help"]) == 0
    output = capsys.readouterr().out
    for name in COMMAND_NAMES:
        assert len(re.findall(rf"^  {name} +\S.+$", output, re.M)) == 1, output


def test_no_or_an_unknown_command_exits_2_with_the_commands(capsys) -> None:
    assert run.main([]) == 2
    assert "  demo-data " in capsys.readouterr().err
    assert run.main(["bulid"]) == 2
    error = capsys.readouterr().err
    assert "unknown command 'bulid'" in error and "  build " in error


def test_test_help_exits_0_without_starting_pytest(capsys) -> None:
    assert run.main(["test", "--help"]) == 0
    output = capsys.readouterr().out
    assert "--fast" in output and "--help-pytest" in output


def test_run_py_and_the_cli_list_the_same_commands() -> None:
    assert run.COMMANDS == cli.COMMANDS
    assert list(cli.COMMANDS) == COMMAND_NAMES


@pytest.mark.parametrize("command", ["build", "report", "demo-data", "history"])
def test_help_of_each_cli_command_exits_0_and_lists_the_commands(capsys, command: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.parse_args([command, "--help"])
    assert exit_.value.code == 0
    output = capsys.readouterr().out
    assert output.startswith(f"usage: run.py {command}")
    for name in COMMAND_NAMES:
        assert re.search(rf"^  {name} +\S", output, re.M), output


def test_the_examples_of_build_help_use_only_declared_vars(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.parse_args(["build", "--help"])
    output = capsys.readouterr().out
    named = set(re.findall(r"[{,] ?([a-z_]+):", output))
    assert {"customer_segment_k", "as_of_date", "input_shape", "orders_path"} <= named
    assert named <= set(cli.project_vars()), named - set(cli.project_vars())


def test_history_is_build_with_history_every_and_declared_vars(capsys) -> None:
    args = cli.parse_args(["history", "--transactions", "x.csv", "--every", "quarter"])
    assert args.every == "quarter" and args.transactions == "x.csv"
    assert json.loads(cli.with_history_every("{customer_segment_k: 4}", args.every)) == {
        "history_every": "quarter",
        "customer_segment_k": 4,
    }
    # an explicit history_every in --vars wins over --every
    assert json.loads(cli.with_history_every("{history_every: week}", "month")) == {
        "history_every": "week"
    }
    with pytest.raises(SystemExit):
        cli.parse_args(["history", "--help"])
    named = set(re.findall(r"[{,] ?([a-z_]+):", capsys.readouterr().out))
    assert "customer_segment_refit" in named
    assert named <= set(cli.project_vars()), named - set(cli.project_vars())


def test_an_unknown_var_is_an_error_naming_the_close_matches() -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.check_var_names({"customer_k": 5, "as_of_date": "2011-12-01", "zzz": 1})
    message = str(exit_.value.code)
    first = message.splitlines()[0]
    assert first.startswith("unknown var 'customer_k' in --vars: did you mean ")
    assert "customer_segment_k" in first and first.endswith("?")
    assert "unknown var 'zzz' in --vars: no var has a similar name" in message
    assert "as_of_date" not in message
    cli.check_var_names({"customer_segment_k": 5, "transactions_columns": {}})  # no error


def input_error(dbt_vars: dict[str, object]) -> str:
    with pytest.raises(SystemExit) as exit_:
        cli.check_input_files(dbt_vars)
    return str(exit_.value.code)


def test_a_typo_in_the_transactions_path_names_the_closest_files(tmp_path: Path) -> None:
    for name in ("online_retail.csv.gz", "online_retail_ii.csv.gz", "notes.txt"):
        (tmp_path / name).write_text("x")
    message = input_error({"transactions_path": str(tmp_path / "online_retial.csv.gz")})
    assert f"Transactions file '{tmp_path / 'online_retial.csv.gz'}' not found" in message
    assert "similar name there: online_retail.csv.gz, online_retail_ii.csv.gz" in message
    assert "notes.txt" not in message
    assert "python3 run.py demo-data" in message and "Nothing was built" in message


def test_a_missing_folder_an_empty_file_and_a_folder_are_named(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    message = input_error(
        {
            "transactions_path": str(tmp_path / "empty.csv"),
            "customers_path": str(tmp_path / "nowhere" / "people.csv"),
        }
    )
    assert f"Transactions file '{tmp_path / 'empty.csv'}' is empty (0 bytes)" in message
    assert f"the folder {tmp_path / 'nowhere'} does not exist (var customers_path)" in message
    message = input_error({"transactions_path": str(tmp_path)})
    assert "is a folder, not a file" in message


def test_an_orders_build_without_an_orders_file_says_how_to_pass_one(tmp_path: Path) -> None:
    message = input_error({"input_shape": "orders", "transactions_path": "missing.csv"})
    assert "No orders file given (var orders_path)" in message
    assert "orders_path: path/to/orders.csv" in message
    assert "Transactions file" not in message  # the line-item file is not read


def test_existing_input_files_pass(tmp_path: Path) -> None:
    (tmp_path / "lines.csv").write_text("InvoiceNo\n1\n")
    cli.check_input_files({"transactions_path": str(tmp_path / "lines.csv")})
    cli.check_input_files({"transactions_path": str(tmp_path / "*.csv")})


def test_the_end_of_a_build_says_where_everything_is_and_how_to_open_the_docs(
    tmp_path: Path,
) -> None:
    site = publish.Site(tmp_path / "segments.duckdb", tmp_path / "exports")
    dbt_vars = {"transactions_path": "/data/it's.csv", "export_path": str(site.exports)}
    contacts = tmp_path / "contact_lists"
    lines = cli.summary_lines(site, 3, tmp_path / "report.html", dbt_vars, contacts)
    text = "\n".join(lines)
    assert f"contacts   {contacts} (one CSV per segment" in text
    assert f"warehouse  {site.warehouse} (build 3)" in text
    assert f"exports    {site.exports}" in text
    assert f"report     {tmp_path / 'report.html'}" in text
    generate, serve = cli.docs_commands(site.warehouse, dbt_vars)
    assert generate in text and serve in text
    words = shlex.split(generate)
    assert words[0] == f"SEGMENTS_DUCKDB_PATH={site.warehouse}"
    assert words[2:4] == ["docs", "generate"]
    assert json.loads(words[words.index("--vars") + 1]) == dbt_vars
    assert shlex.split(serve)[1:3] == ["docs", "serve"]
    assert str(dbt_runner.PROJECT_DIR) in serve
    no_report = "\n".join(cli.summary_lines(site, 3, None, dbt_vars))
    assert "report     not written (--no-report)" in no_report
    assert "contacts" not in no_report
