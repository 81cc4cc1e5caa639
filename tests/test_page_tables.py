"""Stage-page tables that fit a page 1280 px wide: the distribution exhibit and the
recommendations' follow-up, each shown as two tables of at most ``MAX_COLUMNS`` columns that
together hold every cell of the one wide table they replace (the reference: ``wide`` and
``followup_view(part="all")``). The widths in a browser: tests/test_browser.py.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from workbench.release import views
from workbench.results import distribution_views, exhibit_labels, wide
from workbench.results.display import MAX_COLUMNS


def _distribution() -> pd.DataFrame:
    """A published distribution of the demo's 20 groups (labels of the label files), mean, SD
    and five percentiles, the widest numbers and counts of the demo, some rows flagged."""
    groups = [("all", "all")] + [
        (var, group)
        for var, codes in {
            "region": "batken bishkek chui issyk_kul jalal_abad naryn osh osh_city talas",
            "locality": "rural urban",
            "language": "ky ru uz",
            "school_type": "general lyceum private",
            "ITSEX": "girl boy",
        }.items()
        for group in codes.split()
    ]
    shape = {"mean": 500.0, "sd": 101.4, "p5": 330.8, "p25": 434.0, "p50": 501.3, "p75": 569.5}
    rows = [
        {
            "group_var": var,
            "group": group,
            "statistic": statistic,
            "estimate": shape.get(statistic, 662.7) + k,
            "se": 31.1 - j,
            "flags": "† ‡" if k % 3 == 0 else "",
            "n": 16299,
            "n_schools": 200,
        }
        for k, (var, group) in enumerate(groups)
        for j, statistic in enumerate([*shape, "p95"])
    ]
    return exhibit_labels(pd.DataFrame(rows))


def _followup(tmp_path) -> pd.DataFrame:
    """The follow-up report of the demo's recommendations register."""
    import datetime as dt

    from workbench.paths import PROJECT_ROOT
    from workbench.release import recommendations as rec

    ledger = tmp_path / "history.jsonl"
    register = rec.read_register(PROJECT_ROOT / "parameters/recommendations/sabat6-demo.yaml")
    rec.sync(register, ledger=ledger)
    return rec.followup_report(rec.history(ledger=ledger), today=dt.date(2026, 7, 1), lang="ky")


def _shown(table: pd.DataFrame) -> int:
    """The columns a page shows: of ``<name>_ky``, ``_ru``, ``_en`` (``localized=``) one."""
    per_language = [c for c in table.columns if c.endswith(("_ky", "_ru"))]
    return len(table.columns) - len(per_language)


def test_the_distribution_is_two_narrow_tables_holding_every_cell_of_the_wide_one():
    published = _distribution()
    one = wide(published, column="statistic", keep=["n", "n_schools"])
    centre, spread = distribution_views(published)
    assert _shown(one) == 19 > MAX_COLUMNS  # what scrolled sideways
    assert _shown(centre) == 9 and _shown(spread) == 13 <= MAX_COLUMNS
    keys = ["group_var", "label_en"]
    both = centre.drop(columns="flags").merge(spread.drop(columns="flags"), on=keys)
    shared = [c for c in one.columns if c != "flags" and not c.startswith("label_")]
    pd.testing.assert_frame_equal(both[shared], one[shared])
    percentiles = [f"p{p}" for p in (5, 25, 50, 75, 95)]
    assert spread.columns.tolist()[4:] == [
        *(c for p in percentiles for c in (p, f"se_{p}")),
        "flags",
    ]


def test_each_distribution_table_carries_the_marks_of_its_own_statistics():
    published = _distribution().assign(flags="")
    group, statistic = published["group"], published["statistic"]
    published.loc[(group == "naryn") & (statistic == "p95"), "flags"] = "†"
    published.loc[(group == "talas") & (statistic == "sd"), "flags"] = "‡"
    centre, spread = distribution_views(published)
    marked = {
        name: dict(zip(shown["label_en"], shown["flags"], strict=True))
        for name, shown in (("centre", centre), ("spread", spread))
    }
    assert marked["centre"]["Naryn"] == "" and marked["spread"]["Naryn"] == "†"
    assert marked["centre"]["Talas"] == "‡" and marked["spread"]["Talas"] == ""


def test_the_follow_up_is_two_tables_holding_every_column_of_the_one(tmp_path):
    report = _followup(tmp_path)
    one = views.followup_view(report)
    what = views.followup_view(report, part="recommendation")
    done = views.followup_view(report, part="followup")
    assert _shown(one) == 14 > MAX_COLUMNS
    assert _shown(what) == 5 and _shown(done) == 10
    assert what["id"].tolist() == done["id"].tolist() == one["id"].tolist()
    assert sorted({*what.columns, *done.columns}) == sorted(one.columns)
    pd.testing.assert_frame_equal(what.join(done.drop(columns="id"))[one.columns], one)
    with pytest.raises(ValueError, match="followup_view: part is 'all'"):
        views.followup_view(report, part="both")


def test_ids_and_dates_stay_on_one_line_and_long_identifiers_wrap():
    from workbench.report import table

    data = pd.DataFrame(
        {
            "id": ["S6-2025-01", "S6-2025-02"],
            "due": ["2026-06-30", None],
            "path": ["inputs/a b/register.csv", "x"],
            "examples": ["0123456789abcdefX", "1"],  # one token, but longer than an ID
        }
    )
    page = table(data, lang="ru", codes=("id", "due", "path", "examples")).to_html()
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", page)
    nowrap = [selectors for selectors, props in rules if "white-space: nowrap" in props]
    assert sorted(set(re.findall(r"_col(\d+)", " ".join(nowrap)))) == ["0", "1"]
    assert "white-space" not in table(data, lang="ru").to_html()  # only identifier columns
