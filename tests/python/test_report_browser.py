"""The report as a person sees it: opened in headless Chromium.

Only the standard library drives the browser (no Selenium or Playwright): one run
dumps the DOM of a copy of the report with a small probe script added, which
records every chart's natural size and any error once the page has loaded, what
the first screen (1400 x 900) shows, and the rows of every sortable table after a
click on each header (and a second click); a second run of the untouched report
writes a full-page screenshot and its console log, a third one the first screen.
Skipped when no Chromium is installed (`.ci/run` installs Debian's `chromium`).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PROBE = """<script>
window.__errors = [];
window.addEventListener("error", function (e) {
  var target = e.target && (e.target.src || e.target.href);
  window.__errors.push("error: " + (e.message || String(target).slice(0, 80)));
}, true);
var originalError = console.error;
console.error = function () {
  window.__errors.push("console.error: " + Array.prototype.join.call(arguments, " "));
  originalError.apply(console, arguments);
};
window.addEventListener("load", function () {
  var charts = Array.prototype.map.call(
    document.querySelectorAll("figure img, figure svg"), function (el) {
      var box = el.getBoundingClientRect();
      return {tag: el.tagName, natural_width: el.naturalWidth || 0,
              natural_height: el.naturalHeight || 0, complete: el.complete !== false,
              width: box.width, height: box.height,
              caption: (el.parentNode.querySelector("figcaption") || {}).textContent || ""};
    });
  var probe = document.createElement("pre");
  probe.id = "probe";
  probe.textContent = JSON.stringify({
    charts: charts, errors: window.__errors, title: document.title,
    figures: document.querySelectorAll("figure").length,
    sections: document.querySelectorAll("section").length,
    height: document.documentElement.scrollHeight});
  document.body.appendChild(probe);
});
</script>"""
# After the page's own script has run: the first screen's texts with where they end,
# then every sortable table's column keys before, after one and after two clicks.
INTERACTION_PROBE = """<script>
window.addEventListener("load", function () {
  function box(el) {
    var rect = el.getBoundingClientRect();
    return {text: el.textContent.replace(/\\s+/g, " ").trim(), top: rect.top,
            bottom: rect.bottom};
  }
  var screen = {height: window.innerHeight, header: box(document.querySelector("header")),
    summary: Array.prototype.map.call(
      document.querySelectorAll("#summary .lead, #summary .card, #summary .steps"), box)};
  function keys(table, column) {
    return Array.prototype.map.call(table.tBodies[0].rows, function (row) {
      var cell = row.cells[column];
      var sort = cell.getAttribute("data-sort");
      return sort === null ? cell.textContent.trim() : sort;
    });
  }
  var sorts = [];
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (t, i) {
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (header, column) {
      var numeric = Array.prototype.every.call(t.tBodies[0].rows, function (row) {
        return row.cells[column].hasAttribute("data-sort");
      });
      var before = keys(t, column);
      header.click();
      var ascending = keys(t, column), first = header.getAttribute("aria-sort");
      header.click();
      sorts.push({table: i, column: column, numeric: numeric, before: before,
                  ascending: ascending, descending: keys(t, column), first: first,
                  second: header.getAttribute("aria-sort")});
    });
  });
  var out = document.createElement("pre");
  out.id = "interaction";
  out.textContent = JSON.stringify({screen: screen, sorts: sorts});
  document.body.appendChild(out);
});
</script>"""
FIRST_SCREEN = (1400, 900)


def browser() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no Chromium installed (Debian: apt-get install chromium); browser test skipped")


def run_browser(binary: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess:
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *arguments,
    ]
    env = {**os.environ, "HOME": str(profile)}
    return subprocess.run(command, capture_output=True, text=True, timeout=180, env=env)


@pytest.fixture(scope="module", params=["demo", "uci_mall"])
def built_report(request: pytest.FixtureRequest) -> tuple[Path, Path]:
    """The report and warehouse of the demo build, and of UCI Online Retail + Mall
    Customers."""
    if request.param == "demo":
        build = request.getfixturevalue("report_build")
        return build.report, build.run.database
    return request.getfixturevalue("uci_mall_report"), request.getfixturevalue("uci_build").database


@pytest.fixture(scope="module")
def report(built_report: tuple[Path, Path]) -> Path:
    return built_report[0]


@pytest.fixture(scope="module")
def dom(report: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The DOM of the report with both probes, after the page loaded (and was clicked)."""
    binary = browser()
    workdir = tmp_path_factory.mktemp("browser")
    probed = workdir / "probed.html"
    page = report.read_text(encoding="utf-8")
    probed.write_text(page.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    probed.write_text(
        probed.read_text(encoding="utf-8").replace("</body>", INTERACTION_PROBE + "</body>", 1),
        encoding="utf-8",
    )
    completed = run_browser(
        binary,
        workdir / "profile-dom",
        "--virtual-time-budget=15000",
        "--window-size={},{}".format(*FIRST_SCREEN),
        "--dump-dom",
        probed.as_uri(),
    )
    assert '<pre id="probe">' in completed.stdout, (
        f"the page did not finish loading in Chromium:\n{completed.stderr[-3000:]}"
    )
    return completed.stdout


def probe_output(dom: str, name: str) -> dict:
    found = re.search(rf'<pre id="{name}">(.*?)</pre>', dom, re.S)
    assert found, f"no {name} output in the DOM"
    return json.loads(html.unescape(found.group(1)))


@pytest.fixture(scope="module")
def probe(dom: str) -> dict:
    return probe_output(dom, "probe")


@pytest.fixture(scope="module")
def interaction(dom: str) -> dict:
    return probe_output(dom, "interaction")


def test_every_chart_renders_with_a_size(probe: dict, report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert probe["figures"] == page.count("<figure") > 0
    assert len(probe["charts"]) == probe["figures"], "one image or svg per figure"
    broken = [
        c["caption"][:70]
        for c in probe["charts"]
        if not c["complete"]
        or (c["tag"] == "IMG" and (c["natural_width"] <= 0 or c["natural_height"] <= 0))
        or c["width"] <= 0
        or c["height"] <= 0
    ]
    assert not broken, f"charts that did not render: {broken}"
    assert probe["title"] == "Customer segmentation report"
    assert probe["sections"] >= 9


def test_no_errors_while_loading(probe: dict) -> None:
    assert probe["errors"] == [], probe["errors"]


def test_demographic_section_is_drawn(probe: dict) -> None:
    # both reports are built with an attribute table (demo attributes, Mall Customers)
    captions = " ".join(chart["caption"] for chart in probe["charts"]).lower()
    for chart in ("age", "income", "spending score", "gender"):
        assert chart in captions, f"no demographic chart mentions {chart!r}"


def test_screenshot_of_the_untouched_report(report: Path, tmp_path_factory) -> None:
    binary = browser()
    workdir = tmp_path_factory.mktemp("screenshot")
    shot = workdir / "segmentation_report.png"
    completed = run_browser(
        binary,
        workdir / "profile-shot",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1400,12000",
        f"--screenshot={shot}",
        report.as_uri(),
    )
    assert shot.exists(), f"no screenshot written:\n{completed.stderr[-3000:]}"
    console = [line for line in completed.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], f"console messages from the page: {console}"
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1400, 12000)
        pixels = image.convert("L").resize((140, 1200))
        histogram = pixels.histogram()
    # not a blank page: plenty of pixels that are neither background nor white
    non_background = sum(histogram[:200])
    assert non_background > 0.05 * 140 * 1200, "the screenshot looks empty"
    print(f"screenshot: {shot}")


# --------------------------------------------------------------------------- first screen


def build_facts(database: Path) -> dict[str, str]:
    """What the first screen must say, from the warehouse: the currency code, the
    as-of date and the build time (the published build's, else dbt's)."""
    with duckdb.connect(str(database), read_only=True) as con:
        currency, as_of, dbt_started = con.sql(
            "select currency, as_of_date, dbt_run_started_at from diag_build_settings"
        ).fetchone()
        tables = {name for (name,) in con.sql("show tables").fetchall()}
        published = (
            con.sql("select max(published_at) from warehouse_builds").fetchone()[0]
            if "warehouse_builds" in tables
            else None
        )
    built = max(t for t in (dbt_started, published) if t is not None)
    return {
        "currency": currency,
        "as_of": f"{as_of:%Y-%m-%d}",
        "built": f"{built:%Y-%m-%d}",
        "built_time": f"{built:%H:%M} UTC",
    }


def test_first_screen_shows_summary_currency_and_dates(
    interaction: dict, built_report: tuple[Path, Path]
) -> None:
    screen = interaction["screen"]
    facts = build_facts(built_report[1])
    header = screen["header"]["text"]
    assert f"Facts as of {facts['as_of']}" in header
    assert f"built {facts['built']} {facts['built_time']}" in header
    assert f"amounts in {facts['currency']}" in header
    summary = screen["summary"]
    assert summary, "the summary has a lead, cards and steps"
    visible = [item for item in summary if item["bottom"] <= screen["height"]]
    lead = summary[0]["text"]
    assert lead.endswith(".") and "customers" in lead and "segments" in lead
    assert summary[0] in visible, "the summary in words is on the first screen"
    cards = " | ".join(item["text"] for item in visible)
    for expected in (facts["currency"], facts["as_of"], facts["built"], facts["built_time"]):
        assert expected in cards, f"{expected} is not on the first screen: {cards}"
    assert any(item["text"].startswith("What to do this week") for item in summary)


def test_first_screen_screenshot(report: Path, tmp_path_factory) -> None:
    binary = browser()
    workdir = tmp_path_factory.mktemp("first-screen")
    shot = workdir / "first_screen.png"
    run_browser(
        binary,
        workdir / "profile",
        "--window-size={},{}".format(*FIRST_SCREEN),
        f"--screenshot={shot}",
        report.as_uri(),
    )
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == FIRST_SCREEN
    print(f"first screen: {shot}")


# --------------------------------------------------------------------------- sorting


def sort_key(numeric: bool):
    """Numbers by value, texts by their letters ignoring case; missing values last."""
    if numeric:
        return lambda key: (key == "", float(key) if key else 0.0)
    return lambda key: (key == "", key.casefold())


def test_every_sortable_table_sorts_on_click(interaction: dict, report: Path) -> None:
    sorts = interaction["sorts"]
    page = report.read_text(encoding="utf-8")
    assert len({s["table"] for s in sorts}) == page.count('<table class="sortable">') > 0
    numeric_columns = 0
    for s in sorts:
        where = f"table {s['table']}, column {s['column']}"
        assert sorted(s["ascending"]) == sorted(s["before"]), f"rows lost: {where}"
        key = sort_key(s["numeric"])
        assert s["ascending"] == sorted(s["before"], key=key), where
        present = [k for k in s["before"] if k != ""]
        missing = [k for k in s["before"] if k == ""]
        assert s["descending"] == sorted(present, key=key, reverse=True) + missing, where
        assert (s["first"], s["second"]) == ("ascending", "descending"), where
        numeric_columns += s["numeric"]
    assert numeric_columns > 0, "some column sorts by number"
