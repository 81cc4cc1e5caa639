"""Every table of every stage page fits a page 1280 px wide, in ky and ru: the pages of the
demo cycle (Sabat-6, eight stages), of the school-monitoring demo (s10-s50, with its plan
pages), of the teacher-education pilot (t10-t50) and of the design study (20 samples per
design instead of 200), run through the runner and opened in
headless Chromium at 1280 px (``_widths`` of tests/test_browser.py). A table wider than its
box (it scrolls sideways) or past the window's right edge fails the test, naming the page,
the table's place on it and its width.

The reference is the browser's layout itself; that the measurement sees a scrolling table is
shown by tests/test_browser.py (the one-table layouts these pages replaced scroll there).
Skipped, with the reason, when no Chromium is installed.
"""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import ROOT
from tests.test_browser import _widths
from tests.test_monitoring_pages import _ok, _pages, runs  # noqa: F401 (a fixture)
from workbench.paths import cycle_dir
from workbench.publish import browser

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        browser.chromium() is None, reason=f"browser tests skipped: {browser.NO_BROWSER}"
    ),
]

LANGS = ("ky", "ru")


def _too_wide(folder, names, tmp_path) -> dict[str, list[str]]:
    """Per page of ``folder`` named in ``names``: its tables that scroll sideways at 1280 px
    (``table <n> of <m>: <scroll width>/<box width> px, <columns> columns``). Each page is
    measured from a copy under ``tmp_path`` (its links resolve in ``folder``)."""
    found = {}
    for name in names:
        page = folder / name
        copy = tmp_path / page.parent.name / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        base = f'<head><base href="{page.parent.resolve().as_uri()}/">'
        copy.write_text(
            page.read_text(encoding="utf-8").replace("<head>", base, 1), encoding="utf-8"
        )
        viewport, tables = _widths(copy)
        assert viewport == 1280 and tables, name  # measured, with its provenance table
        wide = [
            f"table {k} of {len(tables)}: {scroll}/{client} px, {columns} columns"
            for k, (columns, scroll, client, right) in enumerate(tables, 1)
            if scroll > client or right > viewport
        ]
        if wide:
            found[name] = wide
    return found


def test_every_table_of_the_demo_stage_pages_fits_1280_px(demo_run, outputs_root, tmp_path):
    folder = outputs_root / demo_run.cycle / "html"
    names = [f"{stage}.{lang}.html" for stage in demo_run.statuses for lang in LANGS]
    assert len(names) == 2 * 8 and all((folder / n).exists() for n in names)
    assert _too_wide(folder, names, tmp_path) == {}


@pytest.mark.parametrize("kind", ["school_monitoring", "teacher_ed"])
def test_every_table_of_the_other_kinds_stage_pages_fits_1280_px(runs, kind, tmp_path):  # noqa: F811
    run = _ok(runs, kind)
    root = cycle_dir(run.cycle)
    ends = tuple(f"{sep}{x}.html" for x in LANGS for sep in "._")  # plan pages: plan_ky.html
    names = [n for n in _pages(run.cycle) if n.endswith(ends)]
    stages = {f"{stage}.{lang}.html" for stage in run.statuses for lang in LANGS}
    assert stages <= set(names), kind
    found = {}
    for name in names:
        folder = root / "html" if (root / "html" / name).exists() else root / "plan"
        found |= _too_wide(folder, [name], tmp_path)
    assert found == {}, kind


def test_every_table_of_the_design_study_pages_fits_1280_px(outputs_root, tmp_path):
    from workbench.run import run_cycle

    params = yaml.safe_load((ROOT / "parameters" / "sabat6-design-study.yaml").read_text("utf-8"))
    params["cycle"] = "ds-widths"
    params["report_languages"] = list(LANGS)
    params["stages"]["design_study"] |= {"reps": 20, "batch": 10}
    path = tmp_path / "ds-widths.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), "utf-8")
    run = run_cycle(path, echo=None)
    assert run.ok, run.error
    names = [f"{stage}.{lang}.html" for stage in run.statuses for lang in LANGS]
    assert len(names) == 2 * 2
    assert _too_wide(cycle_dir(run.cycle) / "html", names, tmp_path) == {}
