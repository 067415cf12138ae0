"""The one way this project runs dbt: used by the CLI, the tests and the benchmarks.

Every caller gets the same command (``--project-dir`` and ``--profiles-dir`` set to
the project, optional ``--target-path`` and ``--log-path``, vars as JSON) and the
same environment (the warehouse file in ``SEGMENTS_DUCKDB_PATH``, which
``profiles.yml`` reads, and no anonymous usage statistics).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
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
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    if database is not None:
        env["SEGMENTS_DUCKDB_PATH"] = str(database)
    return env


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
) -> DbtResult:
    """Run dbt in the project; capture its output, or let it stream to the terminal."""
    command = dbt_command(
        arguments, dbt_vars, project_dir=project_dir, target_path=target_path, log_path=log_path
    )
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
