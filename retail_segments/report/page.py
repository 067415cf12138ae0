"""The page: section blocks rendered by the Jinja2 template, with the style sheet inlined."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources

import jinja2

from retail_segments.report.blocks import Section

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"
SCRIPT = "report.js"  # sorts the tables; inlined, it fetches nothing


def template_text(name: str) -> str:
    return (resources.files("retail_segments.report") / "templates" / name).read_text("utf-8")


def environment() -> jinja2.Environment:
    """Autoescaping for every template: section data is plain text, never markup."""
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(template_text),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_page(sections: Iterable[Section], subtitle: str) -> str:
    """The whole report as one HTML document (style sheet and script inlined, no
    external files)."""
    template = environment().get_template(TEMPLATE)
    return template.render(
        sections=list(sections),
        subtitle=subtitle,
        css=template_text(STYLESHEET),
        script=template_text(SCRIPT),
    )
