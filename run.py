#!/usr/bin/env python3
"""Bootstrap for the two commands in the README.

    python3 run.py build   # environment, demo data (unless you give a file), dbt build, report
    python3 run.py test    # environment with dev tools, then every test (pytest)
    python3 run.py test --fast   # only the unit tests: no dbt build (pytest -m "not integration")

Only the standard library is used here: this script creates `.venv`, installs the
pinned requirements and the `retail_segments` package into it (`pip install -e .`,
the standard editable install from pyproject.toml), then hands over to
`retail_segments.cli` inside that environment. Run `python3 run.py build --help`
for the options (your own transactions file, customer attributes, dbt vars).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("SEGMENTS_VENV", ROOT / ".venv"))
REQUIREMENTS = {
    "build": ROOT / "requirements.txt",
    "test": ROOT / "requirements-dev.txt",
    # `build --engine spark` only (README "On Apache Spark"): dbt-spark and pyspark
    "spark": ROOT / "requirements-spark.txt",
}
FAST_SELECTION = ["-m", "not integration"]  # the marker is registered in pyproject.toml
# Two pytest-xdist workers: a dbt build keeps one core busy with dbt's own Python
# most of the time, so a second worker about halves the suite on two cores.
# tests/python/conftest.py keeps the tests that share a build on one worker.
WORKERS = ["-n", "2"]
# the commands, one line each (the same as retail_segments.cli.COMMANDS, tested)
COMMANDS = {
    "build": "build the warehouse, the exports and the report (on demo data unless --transactions)",
    "test": "run the test suite (pytest); --fast: the unit tests only",
    "report": "only write the HTML report of the built warehouse",
    "demo-data": "only generate the demo data",
    "history": "build and publish like build, with the segment history at every month end",
}
HELP_OPTIONS = {"-h", "--help", "help"}


def usage() -> str:
    """`run.py --help`: the commands, one line each."""
    lines = ["usage: python3 run.py COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<10} {summary}" for name, summary in COMMANDS.items()]
    lines += [
        "",
        "python3 run.py COMMAND --help shows the options of a command. The first run",
        "creates .venv and installs the pinned requirements (a minute or two).",
    ]
    return "\n".join(lines)


def usage_of_test() -> str:
    """`run.py test --help` (pytest's own options: `run.py test --help-pytest`)."""
    return "\n".join(
        [
            "usage: python3 run.py test [--fast] [pytest arguments]",
            "",
            COMMANDS["test"],
            "",
            "  --fast          leave out the tests marked integration (no dbt build), about 15 s",
            "  -n N            pytest-xdist workers (default 2; -n 0: one process)",
            "  --help-pytest   pytest's own options; any other argument goes to pytest",
            "",
            "examples:",
            "  python3 run.py test --fast",
            "  python3 run.py test -m integration -k docs",
        ]
    )


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def requirements_stamp(requirements: Path) -> str:
    digest = hashlib.sha256()
    for path in (requirements, ROOT / "requirements.txt", ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_environment(kind: str) -> Path:
    """Create .venv and install what `kind` needs, once per change of the requirements."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py may be started by any python3
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    requirements = REQUIREMENTS[kind]
    stamp_file = VENV / f".installed-{kind}"
    stamp = requirements_stamp(requirements)
    if stamp_file.exists() and stamp_file.read_text() == stamp and venv_python().exists():
        return venv_python()
    if not venv_python().exists():
        print(f"[run.py] creating the environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(f"[run.py] installing {requirements.name} (first run only)", flush=True)
    pip = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    # the package as an editable install, as anyone with their own environment does it
    subprocess.run([*pip, "-r", str(requirements), "-e", str(ROOT)], check=True, cwd=ROOT)
    remove_old_link()
    stamp_file.write_text(stamp)
    return venv_python()


def remove_old_link() -> None:
    """Remove the .pth file that earlier versions of run.py wrote instead of `pip install -e`."""
    site_packages = subprocess.run(
        [str(venv_python()), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site_packages) / "retail_segments_project.pth").unlink(missing_ok=True)


def uses_spark(rest: list[str]) -> bool:
    """True for `build --engine spark` (or `--engine=spark`), before any `--`."""
    options = rest[: rest.index("--")] if "--" in rest else rest
    return any(
        (option == "--engine" and options[i + 1 : i + 2] == ["spark"]) or option == "--engine=spark"
        for i, option in enumerate(options)
    )


def pytest_arguments(rest: list[str]) -> list[str]:
    """pytest's arguments for `run.py test ...`: two workers unless `-n` is given
    (`-n 0` runs in one process), and `--fast` leaves the integration tests out."""
    workers = [] if any(a == "-n" or a.startswith("-n") for a in rest) else WORKERS
    if "--fast" not in rest:
        return [*workers, *rest]
    return [*workers, *FAST_SELECTION, *(argument for argument in rest if argument != "--fast")]


def main(argv: list[str]) -> int:
    if argv and argv[0] in HELP_OPTIONS:
        print(usage())
        return 0
    if not argv or argv[0] not in COMMANDS:
        unknown = f"unknown command {argv[0]!r}\n\n" if argv else ""
        print(unknown + usage(), file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "test" and {"-h", "--help"} & set(rest):
        print(usage_of_test())
        return 0
    rest = ["--help" if argument == "--help-pytest" else argument for argument in rest]
    python = ensure_environment("test" if command == "test" else "build")
    if command in {"build", "history"} and uses_spark(rest):
        python = ensure_environment("spark")
    if command == "test":
        args = [str(python), "-m", "pytest", *pytest_arguments(rest)]
    else:
        args = [str(python), "-m", "retail_segments.cli", command, *rest]
    return subprocess.run(args, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
