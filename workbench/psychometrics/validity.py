"""Stage helpers of the validity studies (``notebooks/40_validity.py``): the item-statistics
table of a rotated booklet design and the DIF table over several comparisons.
"""

from __future__ import annotations

from importlib.resources import files

import numpy as np
import pandas as pd

from workbench.fielddata.schema import load_schema
from workbench.psychometrics.dif import mantel_haenszel
from workbench.psychometrics.irt_dif import irt_dif
from workbench.psychometrics.items import distractor_analysis, item_analysis, score_levels
from workbench.psychometrics.scoring import missing_rates, score_missing, score_responses

__all__ = [
    "item_statistics",
    "option_table",
    "dif_table",
    "keyed_responses",
    "student_groups",
    "calibration_table",
    "booklet_rows",
]


def keyed_responses(raw: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """MC items as the letters chosen (omitted = a wrong option, not reached = NaN), CR items
    as scores (omitted 0, not reached NaN): the input of :func:`item_analysis` with a key."""
    scores = score_responses(raw, items)
    out = scores.copy()
    for item in items.loc[items["type"] == "MC", "item_id"]:
        letters = raw[item].map(lambda v: None if pd.isna(v) else str(v).strip())
        out[item] = letters.where(~letters.isin(["", "6"])).replace({"9": "omit"})
    return out


def item_statistics(
    raw: pd.DataFrame,
    codes: pd.DataFrame,
    items: pd.DataFrame,
    *,
    flag_p=(0.2, 0.95),
    flag_rpb: float = 0.2,
) -> pd.DataFrame:
    """Classical statistics of every item of a booklet design, with missing rates and flags.

    Parameters
    ----------
    raw
        Raw booklet answers (letters, CR codes, missing codes), one column per item.
    codes
        Scored codes (0, 1, 2; 6 not reached, 7 not administered, 9 omitted).
    items
        Item table: ``item_id, type, max_score, key``.
    flag_p, flag_rpb
        Review thresholds (:func:`item_analysis`).

    Returns
    -------
    DataFrame
        ``item_id, type, n, max_score, p_value, r_item_rest, omitted, not_reached, flag_hard,
        flag_easy, flag_low_rpb, flag_distractor, flag_order, flags``.
    """
    ids = items["item_id"].tolist()
    keyed = keyed_responses(raw, items)
    mc = items.loc[items["type"] == "MC"].set_index("item_id")["key"].to_dict()
    top = items.set_index("item_id")["max_score"].astype(int).to_dict()
    stats = item_analysis(keyed[ids], mc, max_score=top, flag_p=tuple(flag_p), flag_rpb=flag_rpb)
    scores = score_missing(codes[ids])
    cr = items.loc[items["type"] == "CR", "item_id"].tolist()
    levels = score_levels(scores, items=cr, max_score=top)
    order = levels.groupby("item_id")["flag_order"].first()
    stats["flag_order"] = stats["item_id"].map(order).fillna(False).astype(bool)
    stats["flags"] = [
        ";".join([f for f in (fl.split(";") if fl else [])] + (["level_order"] if o else []))
        for fl, o in zip(stats["flags"], stats["flag_order"], strict=True)
    ]
    rates = missing_rates(codes[ids])[["item_id", "omitted", "not_reached"]]
    stats = stats.merge(rates, on="item_id")
    stats.insert(1, "type", stats["item_id"].map(items.set_index("item_id")["type"]))
    return stats[
        [
            "item_id",
            "type",
            "n",
            "max_score",
            "p_value",
            "r_item_rest",
            "omitted",
            "not_reached",
            "flag_hard",
            "flag_easy",
            "flag_low_rpb",
            "flag_distractor",
            "flag_order",
            "flags",
        ]
    ]


def option_table(raw: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Option shares and point-biserials of the MC items (:func:`distractor_analysis`)."""
    keyed = keyed_responses(raw, items)
    mc = items.loc[items["type"] == "MC"].set_index("item_id")["key"].to_dict()
    top = items.set_index("item_id")["max_score"].astype(int).to_dict()
    return distractor_analysis(keyed[items["item_id"].tolist()], mc, max_score=top)


def dif_table(
    scores: pd.DataFrame, *, comparisons: dict, booklet=None, irt: bool = True
) -> pd.DataFrame:
    """Mantel-Haenszel DIF (ETS classes) and the IRT check for several group comparisons.

    Parameters
    ----------
    scores
        Wide item scores (NaN = not administered).
    comparisons
        ``{name: (group values per row, focal, reference)}``, e.g.
        ``{"language": (lang, "ru", "ky"), "gender": (sex, "girl", "boy")}``.
    booklet
        Booklet per row: MH matches students on booklet x total score (in a rotated design
        total scores of different booklets are not comparable).
    irt
        Also run :func:`irt_dif` (separate CML calibrations).

    Returns
    -------
    DataFrame
        ``comparison, focal, reference, item_id, max_score, n_reference, n_focal, d_dif,
        d_dif_se, smd, p_value, ets_class, irt_difference, irt_se, irt_class, flagged``
        (``flagged``: C-level by MH; MH D-DIF < 0 and irt_difference > 0 favour the
        reference group).
    """
    x = scores.to_numpy(dtype=float, na_value=np.nan)
    total = np.nansum(x, axis=1)
    strata = total if booklet is None else np.asarray(booklet).astype(float) * 1000 + total
    parts = []
    for name, (group, focal, reference) in comparisons.items():
        g = np.asarray(group, dtype=object)
        mh = mantel_haenszel(scores, group=g, focal=focal, reference=reference, matching=strata)
        if irt:
            it = irt_dif(scores, group=g, focal=focal, reference=reference)
            mh = mh.merge(
                it[["item_id", "difference", "se", "dif_class"]].rename(
                    columns={
                        "difference": "irt_difference",
                        "se": "irt_se",
                        "dif_class": "irt_class",
                    }
                ),
                on="item_id",
                how="left",
            )
        else:
            mh = mh.assign(irt_difference=np.nan, irt_se=np.nan, irt_class="NA")
        parts.append(mh.assign(comparison=name, focal=str(focal), reference=str(reference)))
    out = pd.concat(parts, ignore_index=True)
    out["flagged"] = out["ets_class"].str.startswith("C")
    return out[
        [
            "comparison",
            "focal",
            "reference",
            "item_id",
            "max_score",
            "n_reference",
            "n_focal",
            "d_dif",
            "d_dif_se",
            "smd",
            "p_value",
            "ets_class",
            "irt_difference",
            "irt_se",
            "irt_class",
            "flagged",
        ]
    ]


def student_groups(
    scored: pd.DataFrame, student_tracking: pd.DataFrame, class_tracking: pd.DataFrame
) -> pd.DataFrame:
    """Language of instruction and gender of every scored student, in the rows' order.

    Returns
    -------
    DataFrame
        ``IDSTUD, IDBOOK, language`` (``CLASS_LANG``), ``gender`` (``SEX`` as the code
        labels of the student-tracking schema: ``girl``/``boy``, label keys a report shows in
        its language).
    """
    lang = scored[["IDCLASS"]].merge(
        class_tracking[["IDCLASS", "CLASS_LANG"]], on="IDCLASS", how="left"
    )["CLASS_LANG"]
    sex = scored[["IDSTUD"]].merge(
        student_tracking[["IDSTUD", "SEX"]].drop_duplicates("IDSTUD"), on="IDSTUD", how="left"
    )["SEX"]
    return pd.DataFrame(
        {
            "IDSTUD": scored["IDSTUD"].to_numpy(),
            "IDBOOK": scored["IDBOOK"].to_numpy(),
            "language": lang.to_numpy(),
            "gender": sex.map(_schema_codes("student_tracking", "SEX")).to_numpy(),
        }
    )


def calibration_table(calibration: pd.DataFrame, model) -> pd.DataFrame:
    """The MML calibration table joined with the Rasch/PCM location and infit/outfit.

    Parameters
    ----------
    calibration
        :func:`workbench.psychometrics.calibrate` ``.table()``.
    model
        A fitted :class:`~workbench.psychometrics.RaschModel` of the same items.

    Returns
    -------
    DataFrame
        The calibration columns plus ``rasch_location, rasch_se, infit_msq, outfit_msq,
        infit_t, outfit_t``.
    """
    loc = model.table().query("parameter in ['difficulty', 'location']")
    extra = pd.DataFrame(
        {
            "item_id": loc["item_id"].to_numpy(),
            "rasch_location": loc["estimate"].to_numpy(),
            "rasch_se": loc["se"].to_numpy(),
        }
    )
    fit = model.itemfit().drop(columns="n")
    return calibration.merge(extra, on="item_id", how="left").merge(fit, on="item_id", how="left")


def booklet_rows(
    booklets: pd.DataFrame, scored: pd.DataFrame, *, id: str = "IDSTUD"
) -> pd.DataFrame:
    """The raw booklet answers of the scored students, in the scored table's row order.

    Examples
    --------
    >>> b = pd.DataFrame({"IDSTUD": [1, 2, 3], "R1": ["A", "B", "C"]})
    >>> booklet_rows(b, pd.DataFrame({"IDSTUD": [3, 1]}))["R1"].tolist()
    ['C', 'A']
    """
    return booklets.set_index(id).loc[scored[id]].reset_index()


def _schema_codes(schema: str, column: str) -> dict:
    path = files("workbench.fielddata").joinpath("schemas", f"{schema}.yaml")
    return dict(load_schema(path).column(column).code_labels)
