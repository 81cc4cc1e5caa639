"""The analytical report, its findings, the site and the results database (workbench.publish).

Built from small synthetic results tables whose significance is planted, so each sentence
the report drafts can be checked against what the numbers allow (no demo run needed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.publish import checks
from workbench.publish.database import build_results_db, results_db
from workbench.publish.document import RULES, Bundle, report_html
from workbench.publish.findings import draft, findings_for

LANGS = ("ky", "ru", "en")
#: words only the "difference" template uses, per language
DIFFERENCE = {"ky": "жогору", "ru": "выше", "en": "higher than"}
NO_DIFFERENCE = {"ky": "маанилүү эмес", "ru": "незначимо", "en": "within sampling error"}


def _row(group_var, group, estimate, se, n=500, **more):
    return {
        "group_var": group_var,
        "group": group,
        "variable": "reading",
        "estimate": estimate,
        "se": se,
        "ci_lower": estimate - 2 * se,
        "ci_upper": estimate + 2 * se,
        "df": 40.0,
        "n": n,
        "flags": "",
        "shown": True,
        "sum_weights": 1000.0 * n,
        **more,
    }


def synthetic_tables(*, gap_significant=True, trend=True, linking_error=True) -> dict:
    """Results tables of a small invented nation (two regions), as the results stage stores
    them."""
    groups = [
        ("all", "all", 500.0),
        ("region", "bishkek", 545.0),
        ("region", "naryn", 455.0),
        ("ITSEX", "girl", 507.0),
        ("ITSEX", "boy", 494.0),
    ]
    dist = []
    for gv, g, m in groups:
        dist.append(_row(gv, g, m, 3.0, statistic="mean"))
        dist.append(_row(gv, g, 100.0, 1.5, statistic="sd"))
        for p, z in (("p5", -1.645), ("p25", -0.674), ("p50", 0), ("p75", 0.674), ("p95", 1.645)):
            dist.append(_row(gv, g, m + 100 * z, 4.0, statistic=p))
    bench = []
    for gv, g, _ in groups:
        shares = [16.0, 23.0, 29.0, 21.0, 11.0]
        for cut, pct in zip((400, 475, 550, 625), (84.0, 61.0, 32.0, 11.0), strict=False):
            bench.append(
                _row(
                    gv,
                    g,
                    pct,
                    1.2,
                    measure="at_or_above",
                    benchmark=str(cut),
                    lower=float(cut),
                    upper=np.nan,
                )
            )
        for (lo, hi, name), pct in zip(
            (
                (np.nan, 400, "below_400"),
                (400, 475, "400_475"),
                (475, 550, "475_550"),
                (550, 625, "550_625"),
                (625, np.nan, "625_up"),
            ),
            shares,
            strict=False,
        ):
            bench.append(
                _row(gv, g, pct, 1.0, measure="within", benchmark=name, lower=lo, upper=hi)
            )
    p_gap = 0.0002 if gap_significant else 0.41
    gaps = pd.DataFrame(
        [
            {
                **_row("all", "girl", 13.2 if gap_significant else 2.7, 3.3),
                "comparison": "girls_boys",
                "reference": "boy",
                "p_value": p_gap,
                "significant": gap_significant,
                "symbol": "▲" if gap_significant else "",
            },
            {
                **_row("all", "urban", -59.1, 6.7),
                "comparison": "urban_rural",
                "reference": "rural",
                "p_value": 1e-12,
                "significant": True,
                "symbol": "▼",
            },
        ]
    ).drop(columns="group_var")
    regions = pd.DataFrame(
        [
            {
                **_row("region", "bishkek", 45.0, 6.8),
                "estimate_group": 545.0,
                "estimate_total": 500.0,
                "p_value": 1e-5,
                "significant": True,
                "symbol": "▲",
                "p_adjusted": 2e-5,
                "significant_adjusted": True,
                "symbol_adjusted": "▲",
            },
            {
                **_row("region", "naryn", -4.0, 9.0),
                "estimate_group": 496.0,
                "estimate_total": 500.0,
                "p_value": 0.66,
                "significant": False,
                "symbol": "",
                "p_adjusted": 1.0,
                "significant_adjusted": False,
                "symbol_adjusted": "",
            },
        ]
    )
    variance = pd.DataFrame(
        [
            _row("all", "all", v, 0.02, model="null", component=c)
            for c, v in (("between", 2500.0), ("within", 7000.0), ("total", 9500.0), ("icc", 0.26))
        ]
    )
    international = pd.DataFrame(
        [
            {
                "country": "Kyrgyzstan (Sabat-6)",
                "source": "this_cycle",
                "neighbour": False,
                "mean": 500.0,
                "se": 3.3,
                "pct_at_or_above_400": 84.0,
                "pct_at_or_above_400_se": 1.0,
                "n": 6000,
                "linked": False,
                "flags": "",
            },
            {
                "country": "Kazakhstan",
                "source": "pirls2021",
                "neighbour": True,
                "mean": 504.0,
                "se": 2.0,
                "pct_at_or_above_400": 90.0,
                "pct_at_or_above_400_se": 0.8,
                "n": 5000,
                "linked": False,
                "flags": "",
            },
            {
                "country": "Singapore",
                "source": "pirls2021",
                "neighbour": False,
                "mean": 587.0,
                "se": 3.1,
                "pct_at_or_above_400": 96.0,
                "pct_at_or_above_400_se": 0.5,
                "n": 6700,
                "linked": False,
                "flags": "",
            },
        ]
    )
    tables = {
        "results_distribution": pd.DataFrame(dist),
        "results_benchmarks": pd.DataFrame(bench),
        "results_gaps": gaps,
        "results_regions": regions,
        "results_variance": variance,
        "results_international": international,
        "results_rules": pd.DataFrame(
            {
                "table": ["results_distribution"],
                "rule": ["se"],
                "rows": [35],
                "touched": [2],
                "status": ["applied"],
            }
        ),
    }
    if trend:
        row = {
            **_row("all", "all", 0, 0),
            "statistic": "mean",
            "benchmark": None,
            "estimate_base": 500.0,
            "estimate_current": 512.0,
            "difference": 12.0,
            "se_sampling": 4.0,
            "se": 4.6,
            "p_value": 0.009,
            "significant": True,
            "symbol": "▲",
            "ci_lower": 3.0,
            "ci_upper": 21.0,
            "linking_error": 2.3 if linking_error else np.nan,
        }
        tables["results_trend"] = pd.DataFrame([row])
    return tables


def _bundle(**kw) -> Bundle:
    return Bundle(
        cycle="synthetic-test",
        title="Сабат-6 · сынак",
        year=2028,
        tables=synthetic_tables(**kw),
        base_year=2025,
        replicates=75,
        n_pv=5,
        stages=["results"],
        languages=LANGS,
    )


@pytest.mark.parametrize("lang", LANGS)
def test_nonsignificant_gap_never_produces_a_difference_sentence(lang):
    found, _ = draft(synthetic_tables(gap_significant=False), lang=lang)
    gap = next(f for f in found if f.id == "gap_girls_boys")
    assert gap.kind == "no_difference"
    assert DIFFERENCE[lang] not in gap.text and NO_DIFFERENCE[lang] in gap.text
    region = next(f for f in found if f.id == "regions_ns")  # Naryn, p = 0.66
    assert "1" in region.text and not any(f.id == "region_naryn" for f in found)


@pytest.mark.parametrize("lang", LANGS)
def test_significant_gap_produces_a_difference_sentence_with_the_right_direction(lang):
    found, _ = draft(synthetic_tables(gap_significant=True), lang=lang)
    girls = next(f for f in found if f.id == "gap_girls_boys")
    assert girls.kind == "difference" and DIFFERENCE[lang] in girls.text
    assert girls.anchor == "tab-gaps"
    urban = next(f for f in found if f.id == "gap_urban_rural")  # rural ahead by 59.1
    words = {"ky": ("айыл", "шаар"), "ru": ("село", "город"), "en": ("rural", "urban")}[lang]
    assert urban.text.index(words[0]) < urban.text.index(words[1])
    assert ("59,1" if lang != "en" else "59.1") in urban.text


@pytest.mark.parametrize("lang", LANGS)
def test_change_over_time_only_with_the_linking_error(lang):
    found, withheld = draft(synthetic_tables(linking_error=True), lang=lang, base_year=2025)
    trend = next(f for f in found if f.id == "trend_mean")
    assert trend.kind == "difference" and "2025" in trend.text
    assert ("2,30" if lang != "en" else "2.30") in trend.text  # the linking error
    found, withheld = draft(synthetic_tables(linking_error=False), lang=lang, base_year=2025)
    assert not any(f.id == "trend_mean" for f in found) and len(withheld) == 1


def test_written_findings_replace_add_remove_and_are_marked(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(
        "findings:\n"
        "  - {id: icc, table: variance, ky: 'Жазылган.', ru: 'Написано.', en: 'Written.'}\n"
        "  - {id: books, table: context, ky: 'Китептер.', ru: 'Книги.', en: 'Books.'}\n"
        "remove: [international]\n",
        encoding="utf-8",
    )
    found, _ = findings_for(synthetic_tables(), lang="ru", written=path)
    by_id = {f.id: f for f in found}
    assert by_id["icc"].text == "Написано." and by_id["icc"].source == "written"
    assert by_id["books"].anchor == "tab-context" and "international" not in by_id
    page = report_html(Bundle(**{**_bundle().__dict__, "findings_file": path}), "ru")
    assert page.count('class="finding written"') == 2 and "✎" in page


def test_written_finding_without_the_report_language_is_refused(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("findings:\n  - {id: x, table: gaps, en: 'Only English.'}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"c.yaml: findings item 1 \(x\): no text in 'ky'"):
        findings_for(synthetic_tables(), lang="ky", written=path)


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_no_english_leaks_into_a_kyrgyz_or_russian_report(lang):
    page = report_html(_bundle(), lang)
    assert checks.untranslated(page, lang) == []
    assert checks.untranslated(page.replace("</main>", "<p>female 0/1</p></main>"), lang) == [
        "female"
    ]  # the scan can fail


def test_numbers_follow_each_languages_conventions():
    ky, en = report_html(_bundle(), "ky"), report_html(_bundle(), "en")
    assert "500,0" in ky and "500.0" not in ky.split("<main>")[1].split("<svg")[0]
    assert "500.0" in en and "6\u202f000" not in en


def test_every_anchor_a_finding_links_to_exists():
    page = report_html(_bundle(), "en")
    anchors = set(pd.Series(checks.links(page)).str.extract(r"^#(.+)$")[0].dropna())
    assert anchors and all(f'id="{a}"' in page for a in anchors)


def test_report_is_self_contained_with_accessible_figures():
    page = report_html(_bundle(), "ru")
    assert "<script" not in page and not [
        h for h in checks.links(page) if h.startswith(("http:", "https:", "//"))
    ]
    figures = page.count("<svg")
    assert figures >= 6 and page.count('role="img"') == figures
    assert page.count("<title>") == figures + 1  # each figure has alt text
    assert page.count("<details>") >= 7 and "<table>" in page


def test_report_renders_from_stored_tables_without_estimating(monkeypatch):
    import workbench.survey as survey

    def refuse(*args, **kwargs):
        raise AssertionError("the report must not estimate")

    monkeypatch.setattr(survey, "RepDesign", refuse)
    assert "500,0" in report_html(_bundle(), "ky")


def test_rule_symbols_match_the_results_stage():
    from workbench.results.rules import RULES as STAGE_RULES

    assert RULES == STAGE_RULES


def _write_cycle(root, cycle, tables):
    data = root / cycle / "data"
    data.mkdir(parents=True)
    for name, table in tables.items():
        table.to_parquet(data / f"{name}.parquet")


def test_results_database_is_idempotent_and_holds_every_gap(tmp_path):
    tables = synthetic_tables()
    _write_cycle(tmp_path, "c2025", tables)
    _write_cycle(tmp_path, "c2028", synthetic_tables(gap_significant=False))
    build_results_db(tmp_path)
    query = "SELECT * FROM estimates ORDER BY ALL"
    first = results_db(tmp_path).sql(query).df()
    build_results_db(tmp_path)
    assert first.equals(results_db(tmp_path).sql(query).df())
    gaps = (
        results_db(tmp_path)
        .sql(
            'SELECT cycle, "group", estimate, significant, label_ru FROM estimates '
            "WHERE exhibit = 'gaps' ORDER BY cycle, \"group\""
        )
        .df()
    )
    assert gaps["estimate"].tolist() == [13.2, -59.1, 2.7, -59.1]
    assert gaps["significant"].tolist() == [True, True, False, True]
    assert gaps["label_ru"].iloc[0] == "девочки − мальчики"


def test_render_cycle_writes_reports_site_and_downloads_with_working_links(tmp_path, monkeypatch):
    from workbench.params import load_params
    from workbench.paths import PROJECT_ROOT
    from workbench.publish import render_cycle

    monkeypatch.setenv("WORKBENCH_OUTPUTS", str(tmp_path))
    _write_cycle(tmp_path, "sabat6-demo", synthetic_tables(trend=False))
    params = load_params(PROJECT_ROOT / "parameters" / "sabat6-demo.yaml")
    made = render_cycle(params, languages=LANGS, pdf=False, screenshots=False, echo=None)
    assert set(made["reports"]) == set(LANGS) and made["untranslated"]["ky"] == []
    front = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "sabat6-demo/publication/index.ky.html" in front and "500,0" in front
    pages = sorted(tmp_path.rglob("*.html"))
    assert len(pages) == 3 + 1 + 3 + 3  # reports, front, front x3, cycle x3
    broken = {p.name: checks.broken_links(p) for p in pages}
    assert not any(broken.values()), broken
    assert (tmp_path / "sabat6-demo" / "tables" / "csv" / "results_gaps.csv").is_file()
    assert (tmp_path / "results.duckdb").is_file()


def test_no_stage_reads_the_publication_code():
    """The stages' fingerprint leaves workbench/publish out (rendering never reruns a stage);
    that is only true while no notebook or stage module imports it."""
    import re

    from workbench.paths import PROJECT_ROOT

    pattern = re.compile(r"workbench\.publish|wb\.publish|from workbench import publish")
    sources = [
        *(PROJECT_ROOT / "notebooks").glob("*.py"),
        *(
            p
            for p in (PROJECT_ROOT / "workbench").rglob("*.py")
            if "publish" not in p.relative_to(PROJECT_ROOT / "workbench").parts[:1]
            and p.name not in {"run.py", "cli.py"}
        ),
    ]
    users = [p.name for p in sources if pattern.search(p.read_text(encoding="utf-8"))]
    assert users == []
