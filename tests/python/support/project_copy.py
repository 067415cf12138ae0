"""A throwaway copy of the dbt project, for tests that change its files or check
where a build writes: the project's own files (dbt_project.yml, profiles.yml,
selectors.yml and the dbt folders) without the Python tests, warehouses, data,
exports and dbt's target and logs.

dbt runs in it as a process from another folder, the way an orchestrator runs it
(`dbt build --project-dir ... --profiles-dir ...`), with `retail_segments` importable
for the Python models through PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from retail_segments import dbt_runner
from support.builds import DBT_TIMEOUT_SECONDS, PROJECT_DIR, refuse_unmarked

PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "selectors.yml")
PROJECT_FOLDERS = ("models", "python_models", "macros", "seeds")
# settings of profiles.yml that would point the build somewhere else
LOCATION_VARIABLES = (
    "SEGMENTS_DUCKDB_PATH",
    "SEGMENTS_DUCKDB_TEMP_DIRECTORY",
    "DBT_TARGET_PATH",
    "DBT_LOG_PATH",
    "DBT_PROJECT_DIR",
    "DBT_PROFILES_DIR",
)


def copy_project(destination: Path) -> Path:
    """Copy the dbt project to `destination` (created) and return it."""
    destination.mkdir(parents=True)
    for name in PROJECT_FILES:
        shutil.copy2(PROJECT_DIR / name, destination / name)
    for name in PROJECT_FOLDERS:
        shutil.copytree(PROJECT_DIR / name, destination / name)
    # the singular and generic dbt tests, not the pytest suite
    shutil.copytree(PROJECT_DIR / "tests", destination / "tests", ignore=ignore_python_tests)
    return destination


def ignore_python_tests(folder: str, names: list[str]) -> set[str]:
    return {"python"} if Path(folder) == PROJECT_DIR / "tests" else set()


def run_dbt_in(
    project: Path,
    arguments: Sequence[str],
    *,
    cwd: Path,
    dbt_vars: Mapping[str, object] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`dbt <arguments> --project-dir <project> --profiles-dir <project>` started in `cwd`,
    with no location settings in the environment (profiles.yml's defaults apply)."""
    refuse_unmarked()
    command = [dbt_runner.dbt_executable(), *arguments]
    command += ["--project-dir", str(project), "--profiles-dir", str(project)]
    if dbt_vars:
        command += ["--vars", json.dumps(dict(dbt_vars))]
    environment = {k: v for k, v in os.environ.items() if k not in LOCATION_VARIABLES}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])
    )
    environment["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return subprocess.run(
        command,
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=DBT_TIMEOUT_SECONDS,
    )
