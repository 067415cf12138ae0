"""The Python code stays ruff-formatted and lint-clean (settings in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]


def ruff() -> str:
    candidate = Path(sys.executable).with_name("ruff")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("ruff")
    if found is None:
        pytest.skip("ruff is not installed (it is in requirements-dev.txt)")
    return found


@pytest.mark.parametrize("arguments", [["format", "--check"], ["check"]], ids=["format", "lint"])
def test_ruff(arguments: list[str]) -> None:
    completed = subprocess.run(
        [ruff(), *arguments, "."], cwd=PROJECT_DIR, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
