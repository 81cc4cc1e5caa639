"""workbench.psychometrics.mantel_haenszel against R and on planted DIF."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from workbench.psychometrics import mantel_haenszel

REF = Path(__file__).parent / "reference" / "psychometrics"
DATA = pd.read_csv(REF / "data_dif.csv")
R_MH = pd.read_csv(REF / "ref_mantel_haenszel.csv")


def test_mantel_haenszel_matches_r_mantelhaen_test():
    out = mantel_haenszel(DATA, group="group", focal="focal", reference="ref")
    np.testing.assert_allclose(out["alpha_mh"], R_MH["alpha_mh"], rtol=1e-10)
    np.testing.assert_allclose(out["chisq"], R_MH["chisq"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(out["p_value"], R_MH["p_value"], rtol=1e-8)
    se_r = (np.log(R_MH["ci_upper"]) - np.log(R_MH["alpha_mh"])) / stats.norm.ppf(0.975)
    np.testing.assert_allclose(out["d_dif_se"], 2.35 * se_r, rtol=1e-10)
    np.testing.assert_allclose(out["d_dif"], -2.35 * np.log(R_MH["alpha_mh"]), rtol=1e-12)


def test_planted_dif_is_found_as_c_and_only_there():
    out = mantel_haenszel(DATA, group="group", focal="focal", reference="ref")
    # R planted +0.9 logits (harder for focal) on Q03 and -0.9 on Q07
    assert out.set_index("item_id")["ets_class"].to_dict() == {
        **{f"Q{j:02d}": "A" for j in range(1, 11)},
        "Q03": "C-",
        "Q07": "C+",
    }


def test_planted_dif_in_a_rasch_simulation():
    rng = np.random.default_rng(2026)
    n, j = 4000, 20
    focal = np.arange(n) >= n // 2
    theta = rng.normal(np.where(focal, -0.2, 0.0), 1.0)
    b = np.linspace(-1.5, 1.5, j)
    shift = np.zeros(j)
    shift[[4, 13]] = [1.0, -1.0]
    logits = theta[:, None] - b[None, :] - np.where(focal[:, None], shift[None, :], 0)
    x = (rng.random((n, j)) < 1 / (1 + np.exp(-logits))).astype(int)
    out = mantel_haenszel(
        pd.DataFrame(x), group=np.where(focal, "F", "R"), focal="F", reference="R"
    )
    c_items = out.index[out["ets_class"].str.startswith("C")].tolist()
    assert c_items == [4, 13]
    assert out.loc[4, "ets_class"] == "C-" and out.loc[13, "ets_class"] == "C+"


def test_polytomous_items_get_mantel_and_smd():
    rng = np.random.default_rng(8)
    n = 3000
    focal = rng.random(n) < 0.5
    theta = rng.normal(size=n)
    items = {f"p{k}": np.clip(np.round(theta + rng.normal(size=n) + 1), 0, 2) for k in range(6)}
    items["p0"] = np.clip(np.round(theta + rng.normal(size=n) + 1 - 0.8 * focal), 0, 2)
    out = mantel_haenszel(pd.DataFrame(items), group=focal, focal=True, reference=False)
    row = out.set_index("item_id").loc["p0"]
    assert row["max_score"] == 2 and np.isnan(row["alpha_mh"])
    assert row["smd"] < -0.2 and row["p_value"] < 1e-6 and row["ets_class"] == "C-"
    assert (out.set_index("item_id").drop("p0")["ets_class"] == "A").all()


def test_mantel_haenszel_is_symmetric_in_groups_and_leaves_input_unchanged():
    before = DATA.copy()
    a = mantel_haenszel(DATA, group="group", focal="focal", reference="ref")
    b = mantel_haenszel(DATA, group="group", focal="ref", reference="focal")
    pd.testing.assert_frame_equal(DATA, before)
    np.testing.assert_allclose(a["d_dif"], -b["d_dif"], atol=1e-12)
    np.testing.assert_allclose(a["chisq"], b["chisq"], rtol=1e-12)


def test_mantel_haenszel_rejects_bad_input():
    with pytest.raises(KeyError, match="group column 'grp' not in responses"):
        mantel_haenszel(DATA, group="grp", focal="focal", reference="ref")
    with pytest.raises(ValueError, match=r"focal='girls' or reference='ref' not in group"):
        mantel_haenszel(DATA, group="group", focal="girls", reference="ref")
    with pytest.raises(ValueError, match="group has 3 values but responses has 3000 rows"):
        mantel_haenszel(DATA.drop(columns="group"), group=[1, 2, 3], focal=1, reference=2)
