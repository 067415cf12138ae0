"""Shared fixtures (dbt builds into throwaway warehouses) and the `integration` marker.

The helpers behind the fixtures are in `support/builds.py`; import them from there.

Every test that runs dbt or needs a dbt-built warehouse is marked `integration`
here, at collection, so that `run.py test --fast` (``-m "not integration"``) leaves
it out: a test is marked when it, one of its fixtures or a function of its module
they call uses a fixture of `DBT_FIXTURES` or a helper of `DBT_HELPERS`. Tests that
reach a build in a way this cannot see mark themselves (``pytestmark``); and
`run_dbt` fails in any unmarked test, so a missing marker cannot go unnoticed.

`run.py test` runs the suite on two pytest-xdist workers. Each module's tests stay
on one worker, and so do all the modules that use the same session build of
`DBT_FIXTURES` (see `worker_groups` and `pytest_xdist_make_scheduler`), so that no
build runs twice.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from support.builds import (
    DbtRun,
    DemoBuild,
    ReportBuild,
    build_demo,
    build_real_data,
    build_report,
    forbid_dbt_in,
    run_dbt,
    shared_file,
)

DBT_FIXTURES = frozenset(
    {"uci_build", "uci2_build", "demo_build", "report_build", "uci_mall_report"}
)
# session builds made from another one: a module naming the first needs the second too
BUILT_FROM = {"uci_mall_report": "uci_build"}
DBT_HELPERS = frozenset(
    {
        "run_dbt",
        "build_demo",
        "build_report",
        "build_real_data",
        "run_build_command",
        "start_build_command",
        "run_dbt_in",
    }
)


# ---- the integration marker -----------------------------------------------------


def code_names(code: types.CodeType) -> set[str]:
    """Global and attribute names and string constants used in `code` and its nested code."""
    names = set(code.co_names) | {c for c in code.co_consts if isinstance(c, str)}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= code_names(const)
    return names


def mentions_dbt(function: Callable[..., object], seen: set[types.CodeType]) -> bool:
    """Whether `function`, or a function of its module it calls, uses a dbt build."""
    code = getattr(function, "__code__", None)
    if code is None or code in seen:
        return False
    seen.add(code)
    names = code_names(code)
    if names & (DBT_HELPERS | DBT_FIXTURES):
        return True
    module_globals = getattr(function, "__globals__", {})
    called = (module_globals.get(name) for name in names)
    return any(
        mentions_dbt(f, seen)
        for f in called
        if inspect.isfunction(f) and f.__module__ == function.__module__
    )


def uses_dbt(item: pytest.Item) -> bool:
    """Whether test `item` runs dbt or needs a dbt-built warehouse."""
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & DBT_FIXTURES:
        return True
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    if info is not None:
        functions += [d.func for defs in info.name2fixturedefs.values() for d in defs]
    seen: set[types.CodeType] = set()
    return any(mentions_dbt(f, seen) for f in functions if f is not None)


# ---- one xdist worker per group of modules that share a build ----------------------


def session_builds_named_in(source: str) -> set[str]:
    """The session builds (`DBT_FIXTURES`) a test module's source names (requested as
    arguments or looked up by name)."""
    return {name for name in DBT_FIXTURES if name in source}


def worker_groups(sources: dict[str, str]) -> dict[str, str]:
    """Test module name -> group: modules that name the same session build share one."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for derived, source in BUILT_FROM.items():
        parent[find(f"build {derived}")] = find(f"build {source}")
    for module, text in sources.items():
        for build in session_builds_named_in(text):
            parent[find(f"module {module}")] = find(f"build {build}")
    return {module: find(f"module {module}") for module in sources}


@cache
def test_module_groups() -> dict[str, str]:
    here = Path(__file__).parent
    return worker_groups({path.stem: path.read_text() for path in here.glob("test_*.py")})


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """xdist's scope scheduling with `worker_groups` as the scopes: each group's tests
    go to one worker, and each worker builds only the session builds of its groups."""
    from xdist.scheduler import LoadScopeScheduling

    class SharedBuildScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = Path(nodeid.split("::", 1)[0]).stem
            return test_module_groups().get(module, f"module {module}")

    return SharedBuildScheduling(config, log)


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("integration") is None and uses_dbt(item):
            item.add_marker(pytest.mark.integration)


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures are set up
def pytest_runtest_setup(item: pytest.Item) -> None:
    marked = item.get_closest_marker("integration") is not None
    forbid_dbt_in(None if marked else item.nodeid)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    forbid_dbt_in(None)


# ---- dbt builds shared by several modules -----------------------------------------


@pytest.fixture(scope="session")
def uci_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """The whole project built on UCI Online Retail I with the Mall Customers
    attribute table (no customer ids in common) and exports into its folder."""
    return build_real_data(
        tmp_path_factory.mktemp("uci"),
        shared_file("online_retail.csv.gz"),
        shared_file("mall_customers.csv.gz"),
    )


@pytest.fixture(scope="session")
def uci2_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """The whole project built on UCI Online Retail II (no attribute table)."""
    path = shared_file("online_retail_ii.csv.gz")
    return run_dbt(tmp_path_factory.mktemp("uci2"), ["build"], {"transactions_path": str(path)})


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> DemoBuild:
    """The whole project on the default-size demo data, as `run.py build` makes it."""
    from retail_segments.demo_data import DEFAULT_LINES

    return build_demo(tmp_path_factory.mktemp("demo"), DEFAULT_LINES, with_attributes=True)


@pytest.fixture(scope="session")
def report_build(tmp_path_factory: pytest.TempPathFactory) -> ReportBuild:
    """20,000 demo lines built with exports into a temp folder, then the HTML report."""
    return build_report(tmp_path_factory.mktemp("report"), n_lines=20_000)


@pytest.fixture(scope="session")
def uci_mall_report(uci_build: DbtRun) -> Path:
    """The HTML report of `uci_build` (UCI Online Retail I plus Mall Customers)."""
    from retail_segments.report import write_report

    report = uci_build.database.parent / "report" / "segmentation_report.html"
    return write_report(uci_build.database, report)
