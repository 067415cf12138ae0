"""The report as a person sees it: opened in headless Chromium.

Only the standard library drives the browser (no Selenium or Playwright): one run
dumps the DOM of a copy of the report with a small probe script added, which
records every chart's natural size and any error once the page has loaded; a
second run of the untouched report writes a full-page screenshot and its console
log. Skipped when no Chromium is installed (`.ci/run` installs Debian's
`chromium`).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

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
def report(request: pytest.FixtureRequest) -> Path:
    """The report of the demo build, and of UCI Online Retail + Mall Customers."""
    if request.param == "demo":
        return request.getfixturevalue("report_build").report
    return request.getfixturevalue("uci_mall_report")


@pytest.fixture(scope="module")
def probe(report: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    binary = browser()
    workdir = tmp_path_factory.mktemp("browser")
    probed = workdir / "probed.html"
    page = report.read_text(encoding="utf-8")
    probed.write_text(page.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    completed = run_browser(
        binary,
        workdir / "profile-dom",
        "--virtual-time-budget=15000",
        "--dump-dom",
        probed.as_uri(),
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', completed.stdout, re.S)
    assert found, f"the page did not finish loading in Chromium:\n{completed.stderr[-3000:]}"
    return json.loads(html.unescape(found.group(1)))


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
    assert console == [], f"console messages from a page without scripts: {console}"
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1400, 12000)
        pixels = image.convert("L").resize((140, 1200))
        histogram = pixels.histogram()
    # not a blank page: plenty of pixels that are neither background nor white
    non_background = sum(histogram[:200])
    assert non_background > 0.05 * 140 * 1200, "the screenshot looks empty"
    print(f"screenshot: {shot}")
