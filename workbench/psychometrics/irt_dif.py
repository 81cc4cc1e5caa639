"""IRT-based DIF check for the validity stage: item locations estimated separately in the
reference and focal groups (Rasch / partial credit by CML) and compared after re-centring on
the items without DIF (Lord's Wald test with one purification step).

Sign: ``difference`` = focal - reference location; positive = harder for the focal group,
i.e. the item favours the reference group (the opposite sign of MH D-DIF, where negative
favours the reference group).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from workbench.psychometrics._checks import as_series
from workbench.psychometrics.rasch import pcm

__all__ = ["irt_dif"]

#: logit cut-offs equivalent to |MH D-DIF| 1 and 1.5 (D = 2.35 x logits)
SMALL, LARGE = 1 / 2.35, 1.5 / 2.35


def irt_dif(
    responses: pd.DataFrame, *, group, focal, reference, alpha: float = 0.05
) -> pd.DataFrame:
    """Compare item locations between two groups (separate CML calibrations).

    Parameters
    ----------
    responses
        Wide item scores (NaN = not administered).
    group
        One value per row.
    focal, reference
        The compared group values.
    alpha
        Significance level of the Wald test.

    Returns
    -------
    DataFrame
        ``item_id, n_reference, n_focal, location_reference, location_focal, difference, se, z,
        p_value, dif_class`` (``A`` |difference| < 0.43 logits or not significant, ``C``
        |difference| >= 0.64 and significant, else ``B``; suffix ``+`` favours the focal
        group, ``-`` the reference group). Items that cannot be calibrated in one group (a
        score category no one in it reached) get NaN and class ``NA``.

    Raises
    ------
    ValueError
        ``focal`` or ``reference`` absent from ``group``.

    Notes
    -----
    Recovery of DIF planted in the synthetic nation in
    ``tests/test_psychometrics_validity.py``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> g = np.repeat(["r", "f"], 400)
    >>> t = rng.normal(size=800)
    >>> x = pd.DataFrame({f"i{j}": (rng.random(800) < 1 / (1 + np.exp(-(t - j / 3))))
    ...                   .astype(float) for j in range(6)})
    >>> irt_dif(x, group=g, focal="f", reference="r")["dif_class"].tolist()
    ['A', 'A', 'A', 'A', 'A', 'A']
    """
    g = as_series(group, len(responses), "group", "irt_dif", index=responses.index)
    present = set(g.dropna().tolist())
    if focal not in present or reference not in present:
        raise ValueError(
            f"irt_dif: focal={focal!r} or reference={reference!r} not in group "
            f"(values: {sorted(present, key=str)[:8]}); pass values present"
        )
    fits = {
        k: _locations(responses[(g == v).to_numpy()])
        for k, v in (("reference", reference), ("focal", focal))
    }
    out = pd.DataFrame({"item_id": [str(c) for c in responses.columns]})
    for k, fit in fits.items():
        fit = fit.add_suffix(f"_{k}").rename(columns={f"item_id_{k}": "item_id"})
        out = out.merge(fit, on="item_id", how="left")
    raw = out["location_focal"] - out["location_reference"]
    se = np.sqrt(out["se_focal"] ** 2 + out["se_reference"] ** 2)
    anchor = raw.notna()
    for _ in range(2):  # centre on all items, then on the items without DIF
        diff = raw - raw[anchor].mean()
        anchor = raw.notna() & (diff.abs() < SMALL)
    out["difference"], out["se"] = diff, se
    out["z"] = diff / se
    out["p_value"] = 2 * stats.norm.sf(out["z"].abs())
    out["dif_class"] = [_classify(d, p, alpha) for d, p in zip(diff, out["p_value"], strict=True)]
    return out[
        [
            "item_id",
            "n_reference",
            "n_focal",
            "location_reference",
            "location_focal",
            "difference",
            "se",
            "z",
            "p_value",
            "dif_class",
        ]
    ]


def _locations(x: pd.DataFrame) -> pd.DataFrame:
    """CML PCM locations of the items that can be calibrated in this group."""
    x = x.loc[:, x.notna().sum() > 0]
    ok = [
        c
        for c in x.columns
        if set(range(int(x[c].max()) + 1)) <= set(x[c].dropna().astype(int).tolist())
        and x[c].max() > 0
    ]
    model = pcm(x[ok])
    loc = model.table().query("parameter in ['difficulty', 'location']")
    return pd.DataFrame(
        {
            "item_id": loc["item_id"].to_numpy(),
            "n": loc["n"].to_numpy(),
            "location": loc["estimate"].to_numpy(),
            "se": loc["se"].to_numpy(),
        }
    )


def _classify(d: float, p: float, alpha: float) -> str:
    if not np.isfinite(d):
        return "NA"
    if abs(d) < SMALL or p >= alpha:
        return "A"
    sign = "-" if d > 0 else "+"
    return ("C" if abs(d) >= LARGE else "B") + sign
