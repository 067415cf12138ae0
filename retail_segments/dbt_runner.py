"""The one way this project runs dbt: used by the CLI, the tests and the benchmarks.

Every caller gets the same command (``--project-dir`` and ``--profiles-dir`` set to
the project, optional ``--target-path`` and ``--log-path``, vars as JSON) and the
same environment (the warehouse file in ``SEGMENTS_DUCKDB_PATH``, which
``profiles.yml`` reads, and no anonymous usage statistics).

:func:`run_dbt` starts dbt as a process, or with ``in_process=True`` runs the same
command in the calling process through dbt's programmatic entry point (``dbtRunner``),
which saves the 3 s of importing dbt, pandas and scikit-learn that every process
pays; the test suite runs about fifty dbt commands this way, one after another
(dbt does not support concurrent invocations in one process).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class DbtResult:
    """Exit code and output (stdout then stderr; empty when the output was streamed)."""

    returncode: int
    output: str


def dbt_executable() -> str:
    """The dbt next to the running Python (the project's virtualenv), else dbt on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def dbt_command(
    arguments: Sequence[str],
    dbt_vars: Mapping[str, object] | None = None,
    *,
    project_dir: Path = PROJECT_DIR,
    target_path: Path | None = None,
    log_path: Path | None = None,
) -> list[str]:
    """The dbt command line for `arguments` (e.g. ``["build", "--select", "x"]``)."""
    command = [
        dbt_executable(),
        *arguments,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
    ]
    if target_path is not None:
        command += ["--target-path", str(target_path)]
    if log_path is not None:
        command += ["--log-path", str(log_path)]
    if dbt_vars:
        command += ["--vars", json.dumps(dict(dbt_vars))]
    return command


def dbt_environment(database: Path | None = None) -> dict[str, str]:
    """The environment dbt runs in; `database` (if given) is the DuckDB file it writes."""
    return {**os.environ, **_environment_overrides(database)}


def _environment_overrides(database: Path | None) -> dict[str, str]:
    overrides = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    if database is not None:
        overrides["SEGMENTS_DUCKDB_PATH"] = str(database)
    return overrides


def run_dbt(
    arguments: Sequence[str],
    dbt_vars: Mapping[str, object] | None = None,
    *,
    database: Path | None = None,
    project_dir: Path = PROJECT_DIR,
    target_path: Path | None = None,
    log_path: Path | None = None,
    stream: bool = False,
    timeout: float | None = None,
    in_process: bool = False,
) -> DbtResult:
    """Run dbt in the project; capture its output, or let it stream to the terminal.

    With `in_process` the command runs in this process (see :func:`_invoke`),
    captured, without a timeout.
    """
    command = dbt_command(
        arguments, dbt_vars, project_dir=project_dir, target_path=target_path, log_path=log_path
    )
    if in_process:
        if stream or timeout is not None:
            raise ValueError("an in-process dbt run is captured and has no timeout")
        return _invoke(command[1:], _environment_overrides(database))
    completed = subprocess.run(
        command,
        cwd=project_dir,
        env=dbt_environment(database),
        capture_output=not stream,
        text=True,
        timeout=timeout,
    )
    output = "" if stream else completed.stdout + completed.stderr
    return DbtResult(completed.returncode, output)


@contextmanager
def _environment(overrides: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _invoke(arguments: list[str], environment: Mapping[str, str]) -> DbtResult:
    """dbt's programmatic entry point (``dbtRunner``) on `arguments`, in `environment`.

    The output is what the ``dbt`` command prints (the text of every event at
    level info, warn or error), then the exception that stopped dbt, if any. Exit code 0 means
    success, 1 a failed node, 2 an error before or outside the nodes (as the
    ``dbt`` command). The warehouse file is closed again before returning.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner
    from dbt_common.events.base_types import EventMsg

    messages: list[str] = []

    def keep(event: EventMsg) -> None:
        if event.info.level != "debug":
            messages.append(event.info.msg)

    runner = dbtRunner(callbacks=[keep])
    with _environment(environment):
        try:
            outcome = runner.invoke(arguments)
        finally:
            DuckDBConnectionManager.close_all_connections()  # dbt-duckdb keeps the file open
            gc.collect()
    if outcome.exception is not None:
        messages.append(f"{type(outcome.exception).__name__}: {outcome.exception}")
    returncode = 0 if outcome.success else (1 if outcome.exception is None else 2)
    return DbtResult(returncode, "\n".join(messages))
