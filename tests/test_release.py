"""Release files: read back as a researcher would, and disclosure control that protects.

References: the R fixture (haven + survey + mitools on a released .sav,
tests/reference/release/), the results stage's published national figure (demo cycle), and
a planted unique student whose protection is checked record by record.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from tests.conftest import ROOT
from workbench.release import anonymity, files
from workbench.survey import RepDesign

REF = ROOT / "tests" / "reference" / "release"
QUASI = ["region", "locality", "language", "school_type", "ITSEX"]


def _fixtures() -> dict:
    table = pd.read_csv(REF / "fixtures.csv", dtype=str)
    return dict(zip(table["key"], table["value"], strict=True))


def _as_workbench(data: pd.DataFrame) -> pd.DataFrame:
    """IEA release names back to the analysis names, by hand (not through read_release)."""
    return data.rename(columns={c: c.replace("ASRREA", "READ") for c in data.columns})


def test_released_sav_read_by_pyreadstat_agrees_with_r_haven_survey():
    data, meta = pyreadstat.read_sav(str(REF / "ASGKGZS1_cut.sav"), user_missing=False)
    ref = _fixtures()
    mean = RepDesign.iea(_as_workbench(data), scale="reading").mean("reading").iloc[0]
    assert abs(mean["estimate"] - float(ref["mean"])) < 1e-9
    assert abs(mean["se"] - float(ref["se"])) < 1e-9
    assert len(data) == int(ref["n"])
    assert int(data["ASBH05"].isna().sum()) == int(ref["asbh05_na"])
    assert meta.variable_value_labels["ITSEX"][1.0] == ref["itsex_label_1"] == "девочка"
    pv1 = np.average(data["ASRREA01"], weights=data["TOTWGT"])
    assert abs(pv1 - float(ref["pv1_weighted_mean_foreign"])) < 1e-9


def test_user_missing_codes_are_declared_and_carry_the_missing_kind():
    data, meta = pyreadstat.read_sav(str(REF / "ASGKGZS1_cut.sav"), user_missing=True)
    assert {r["lo"] for r in meta.missing_ranges["ASBH05"]} == {96.0, 99.0}  # codes 1..6
    assert set(data["ASBH05"].dropna().unique()) <= {1, 2, 3, 4, 5, 6, 96, 99}
    assert (data["ASBH05"] == 99).sum() > 0  # omitted answers kept as 99, not blank
    assert files.missing_codes(4) == {"omitted": 9, "invalid": 9, "not_reached": 6}


def test_release_reproduces_the_published_national_mean(demo_run):
    from workbench.catalog import open_catalog
    from workbench.release.stage import release_dir

    cat = open_catalog("sabat6-demo")
    published = (
        cat.results_distribution.read().query("group_var == 'all' and statistic == 'mean'").iloc[0]
    )
    for tier in ("public", "restricted"):
        for lang in ("ky", "ru", "en"):
            path = release_dir("sabat6-demo") / tier / "sav" / lang / "ASGKGZS1.sav"
            data, _ = pyreadstat.read_sav(str(path), user_missing=False)
            mean = RepDesign.iea(_as_workbench(data), scale="reading").mean("reading").iloc[0]
            assert abs(mean["estimate"] - published["estimate"]) < 1e-9, (tier, lang)
            assert abs(mean["se"] - published["se"]) < 1e-9, (tier, lang)
    check = cat.release_check.read()
    assert (check["difference_estimate"] < 1e-9).all() and len(check) == 6
    public = cat.release_disclosure.read().query(
        "tier == 'public' and step == '4 after' and file == 'student_results'"
    )
    assert int(public["k_after"].iloc[0]) >= 10


def test_the_technical_chapter_shows_no_english_in_kyrgyz_or_russian(demo_run):
    from tests.test_languages import leaks
    from workbench.release.stage import release_dir

    for lang in ("ky", "ru"):
        page = (release_dir("sabat6-demo") / f"technical_{lang}.html").read_text(encoding="utf-8")
        assert f"lang='{lang}'" in page and leaks(page, lang) == [], lang


def _nation(seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for school in range(1, 61):
        region = rng.choice(["chui", "osh", "naryn"], p=[0.5, 0.4, 0.1])
        locality = rng.choice(["urban", "rural"])
        school_type = rng.choice(["general", "lyceum"], p=[0.8, 0.2])
        for klass in (1, 2):
            language = rng.choice(["ky", "ru"])
            for student in range(int(rng.integers(12, 25))):
                rows.append(
                    {
                        "IDSTUD": f"s{school}-{klass}-{student}",
                        "IDSCHOOL": school,
                        "IDCLASS": school * 10 + klass,
                        "region": region,
                        "locality": locality,
                        "language": language,
                        "school_type": school_type,
                        "ITSEX": int(rng.integers(1, 3)),
                        "TOTWGT": 0.0,
                    }
                )
    table = pd.DataFrame(rows)
    table["TOTWGT"] = 10 + np.arange(len(table)) / 1000  # unique: finds a row again
    return table


def _planted() -> pd.DataFrame:
    table = _nation()
    planted = {
        "IDSTUD": "planted",
        "IDSCHOOL": 99,
        "IDCLASS": 991,
        "region": "batken",
        "locality": "urban",
        "language": "tj",
        "school_type": "private",
        "ITSEX": 1,
        "TOTWGT": 5.4321,
    }
    return pd.concat([table, pd.DataFrame([planted])], ignore_index=True)


def test_a_planted_unique_student_is_protected_and_every_change_is_counted():
    table = _planted()
    assert anonymity.class_sizes(table, QUASI).iloc[-1] == 1  # unique before
    out, report = anonymity.disclose(
        {"student_results": table},
        quasi=QUASI,
        k=5,
        k_schools=3,
        recodes=[{"variable": "language", "map": {"tj": "other", "uz": "other"}}],
        suppress_order=["school_type", "language", "locality", "region", "ITSEX"],
        seed=11,
        release_id="t1",
        tier="public",
    )
    released = out["student_results"]
    assert anonymity.k_achieved(released, QUASI) >= 5
    after = released.set_index("TOTWGT").loc[table["TOTWGT"]]
    before = table.set_index("TOTWGT")
    planted = after.loc[5.4321]
    shared = (
        (
            released[QUASI].astype("object").fillna("·")
            == planted[QUASI].astype("object").fillna("·")
        )
        .all(axis=1)
        .sum()
    )
    assert shared >= 5  # hidden among >= 5
    assert planted["IDSTUD"] != "planted" and planted["IDSCHOOL"] != 99
    changed = sum(
        int(((before[q].astype("object") != after[q].astype("object")) & before[q].notna()).sum())
        for q in QUASI
    )
    total = report.query("file == 'student_results' and step == '4 after'").iloc[0]
    assert changed == total["values_changed"] > 0
    steps = report.query("file == 'student_results' and action in ['recode', 'suppress']")
    assert steps["values_changed"].sum() >= changed  # per step: recoded, then blanked
    assert len(released) == len(table)  # no record dropped
    assert report.query("step == 'r1 0 before'")["records_below_k"].iloc[0] > 0


def test_ids_are_rekeyed_per_release_and_tier_and_free_text_is_dropped():
    table = _nation().assign(NOTE="lives near the bazaar")
    ids = {}
    for tier, release in (("public", "r1"), ("restricted", "r1"), ("public", "r2")):
        out, report = anonymity.disclose(
            {"student_results": table},
            quasi=QUASI,
            k=3,
            k_schools=2,
            seed=1,
            release_id=release,
            tier=tier,
        )
        released = out["student_results"]
        assert "NOTE" not in released
        assert report.query("action == 'drop free text'")["values_changed"].iloc[0] == len(table)
        assert not set(released["IDSTUD"].astype(str)) & set(table["IDSTUD"])
        assert (released["IDSTUD"] // 100 == released["IDCLASS"]).all()
        ids[(tier, release)] = released.set_index("TOTWGT")["IDSCHOOL"].sort_index()
    assert not ids[("public", "r1")].equals(ids[("restricted", "r1")])
    assert not ids[("public", "r1")].equals(ids[("public", "r2")])


def test_k_larger_than_the_file_is_refused_with_a_plain_message():
    with pytest.raises(ValueError, match="fewer than k"):
        anonymity.k_anonymize(_nation().head(3), quasi=QUASI, k=5)


def test_school_and_student_files_agree_on_school_values_and_both_reach_k():
    students = _planted()
    schools = students.groupby("IDSCHOOL", as_index=False).agg(
        region=("region", "first"),
        locality=("locality", "first"),
        school_type=("school_type", "first"),
        language=("language", "first"),
    )
    out, report = anonymity.disclose(
        {"student_results": students, "school_results": schools},
        quasi=QUASI,
        k=5,
        k_schools=3,
        seed=2,
        release_id="t",
        tier="public",
    )
    assert anonymity.k_achieved(out["student_results"], QUASI) >= 5
    assert (
        anonymity.k_achieved(
            out["school_results"], ["region", "locality", "language", "school_type"]
        )
        >= 3
    )
    merged = out["student_results"].merge(
        out["school_results"], on="IDSCHOOL", suffixes=("", "_school")
    )
    for column in ("region", "locality", "school_type"):  # school-level: never given back
        left = merged[column].astype("object").fillna("·")
        assert (left == merged[f"{column}_school"].astype("object").fillna("·")).all(), column


def test_the_last_resort_blanks_whole_combinations_until_k_without_dropping_records():
    table = pd.DataFrame(
        {"IDSCHOOL": range(1, 9), "region": list("aaaabbbc"), "ITSEX": [1, 1, 1, 1, 2, 2, 2, 1]}
    )
    out, log = anonymity.k_anonymize(table, quasi=["region", "ITSEX"], k=4, suppress_order=[])
    assert anonymity.k_achieved(out, ["region", "ITSEX"]) >= 4 and len(out) == len(table)
    last = log.query("step == '3 last resort'").iloc[0]
    # the rare 'c' record and the whole 'b' combination (3 records) lose both values
    assert (last["records_changed"], last["values_changed"]) == (4, 8)
    assert out.loc[:3, "region"].tolist() == ["a"] * 4  # 'a' untouched
