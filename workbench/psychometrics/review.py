"""Report-ready tables of the validity stage (``notebooks/40_validity.py``).

The stage notebook only calls these: every reshaping, re-coding and labelling of the item
review lives here, with tests (``tests/test_psychometrics_review.py``), so the notebook holds
narrative, parameters, calls and figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

import numpy as np
import pandas as pd

from workbench.fielddata.schema import load_schema
from workbench.psychometrics.information import wright_map
from workbench.psychometrics.items import score_levels
from workbench.psychometrics.reliability import booklet_reliability

__all__ = [
    "statistics_table",
    "weakest_options",
    "reliability_summary",
    "count_reasons",
    "reasons_table",
    "verdict_count",
    "median_alpha",
    "overall_agreement",
    "dif_shown",
    "loadings_table",
    "score_level_table",
    "wright_data",
    "rasch_thresholds",
    "questionnaire_answers",
    "class_language",
    "indices_summary",
    "percent",
]

FIT_REASONS = ("infit", "outfit", "misfit_rmsd")
_DIF_COLUMNS = (
    "comparison",
    "focal",
    "reference",
    "item_id",
    "n_reference",
    "n_focal",
    "d_dif",
    "d_dif_se",
    "smd",
    "ets_class",
    "irt_difference",
    "irt_se",
    "irt_class",
)


def percent(data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy of ``data`` with the given share columns (0-1) shown as percentages (0-100).

    Examples
    --------
    >>> percent(pd.DataFrame({"p": [0.25]}), ["p"])["p"].tolist()
    [25.0]
    """
    return data.assign(**{c: 100 * data[c] for c in columns})


def statistics_table(statistics: pd.DataFrame) -> pd.DataFrame:
    """The item-statistics table as the report shows it: missing rates in %, the flags as one
    compound code (``hard/low_rpb``) that a page labels part by part in its language.

    Parameters
    ----------
    statistics
        :func:`workbench.psychometrics.item_statistics` output.

    Returns
    -------
    DataFrame
        ``item_id, type, n, max_score, p_value, r_item_rest, omitted, not_reached, flags``
        (``omitted`` and ``not_reached`` in %).

    Examples
    --------
    >>> s = pd.DataFrame({"item_id": ["a"], "omitted": [0.1], "not_reached": [0.0],
    ...                   "flag_hard": [True], "flags": ["hard;low_rpb"]})
    >>> statistics_table(s)[["omitted", "flags"]].values.tolist()
    [[10.0, 'hard/low_rpb']]
    """
    shown = statistics.drop(columns=[c for c in statistics if c.startswith("flag_")])
    shown = percent(shown, ["omitted", "not_reached"])
    return shown.assign(flags=shown["flags"].fillna("").astype(str).str.replace(";", "/"))


def weakest_options(options: pd.DataFrame, *, n: int = 4) -> pd.DataFrame:
    """The option tables of the ``n`` MC items whose best distractor correlates most with the
    rest score (the items most worth a look), option shares in %.

    Parameters
    ----------
    options
        :func:`workbench.psychometrics.option_table` output (``item_id, option, is_key,
        proportion, r_option_rest``).

    Returns
    -------
    DataFrame
        The rows of those items, ``proportion`` in %.
    """
    distractors = options[~options["is_key"]]
    worst = distractors.groupby("item_id")["r_option_rest"].max().nlargest(n).index
    return percent(options[options["item_id"].isin(worst)], ["proportion"])


def reliability_summary(scores: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Median booklet alpha and omega for all students, by language and by gender.

    Parameters
    ----------
    scores
        Wide item scores (NaN = not administered).
    groups
        :func:`workbench.psychometrics.validity.student_groups` in the rows' order
        (``IDBOOK, language, gender``).

    Returns
    -------
    DataFrame
        ``comparison`` (``language``, ``gender``), ``group`` (``all`` or the group),
        ``alpha, omega_total, n`` (medians over booklets; n students).
    """
    parts = []
    for comparison in ("language", "gender"):
        table = booklet_reliability(scores, booklet=groups["IDBOOK"], by=groups[comparison])
        medians = table[table["booklet"] == "median"]
        if comparison == "gender":
            medians = medians[medians["group"] != "all"]
        parts.append(medians.assign(comparison=comparison))
    medians = pd.concat(parts, ignore_index=True)
    wide = medians.pivot_table(
        index=["comparison", "group"], columns="statistic", values="estimate", sort=False
    ).reset_index()
    wide.columns.name = None
    n = medians[medians["statistic"] == "alpha"][["comparison", "group", "n"]]
    return wide.merge(n, on=["comparison", "group"])


def count_reasons(verdicts: pd.DataFrame, reasons: Sequence[str] = FIT_REASONS) -> int:
    """How many items have at least one of ``reasons`` in their verdict (e.g. misfit).

    Examples
    --------
    >>> v = pd.DataFrame({"item_id": ["a", "b", "c"], "reasons": ["infit", "", "hard;outfit"]})
    >>> count_reasons(v)
    2
    """
    wanted = set(reasons)
    return int(sum(bool(wanted & set(str(r).split(";"))) for r in verdicts["reasons"]))


def reasons_table(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The items not kept, one row per reason: codes (``infit``, ``dif_gender``) that a page
    labels in its language.

    Examples
    --------
    >>> v = pd.DataFrame({"item_id": ["a", "b"], "verdict": ["keep", "review"],
    ...                   "reasons": ["", "hard;dif_gender"]})
    >>> reasons_table(v).values.tolist()
    [['b', 'review', 'hard'], ['b', 'review', 'dif_gender']]
    """
    rows = [
        {"item_id": row.item_id, "verdict": row.verdict, "reason": reason}
        for row in verdicts[verdicts["verdict"] != "keep"].itertuples(index=False)
        for reason in str(row.reasons).split(";")
        if reason
    ]
    return pd.DataFrame(rows, columns=["item_id", "verdict", "reason"])


def verdict_count(verdicts: pd.DataFrame, verdict: str) -> int:
    """How many items have this verdict (``keep``, ``review`` or ``drop``).

    Examples
    --------
    >>> verdict_count(pd.DataFrame({"verdict": ["keep", "drop", "keep"]}), "keep")
    2
    """
    return int((verdicts["verdict"] == verdict).sum())


def median_alpha(summary: pd.DataFrame) -> float:
    """The median booklet alpha of all students (:func:`reliability_summary`'s ``all`` row).

    Examples
    --------
    >>> median_alpha(pd.DataFrame({"group": ["ky", "all"], "alpha": [0.7, 0.8]}))
    0.8
    """
    return float(summary.loc[summary["group"] == "all", "alpha"].iloc[0])


def overall_agreement(agreement: pd.DataFrame) -> float:
    """Exact coder agreement over all double-coded items, in %
    (:func:`workbench.psychometrics.coder_agreement`'s ``overall`` row).

    Examples
    --------
    >>> overall_agreement(pd.DataFrame({"item_id": ["R1", "overall"],
    ...                                 "exact_agreement": [0.8, 0.9]}))
    90.0
    """
    return 100 * float(agreement.loc[agreement["item_id"] == "overall", "exact_agreement"].iloc[0])


def dif_shown(dif: pd.DataFrame, *, classes: Sequence[str] = ("B", "C")) -> pd.DataFrame:
    """The DIF results worth a reader's look: items at ETS or IRT class ``B`` or ``C`` in any
    comparison, with the groups compared (codes a page labels: ``ru``, ``girl``).

    Returns
    -------
    DataFrame
        ``comparison, focal, reference, item_id, n_reference, n_focal, d_dif, d_dif_se,
        smd, ets_class, irt_difference, irt_se, irt_class``.

    Examples
    --------
    >>> d = pd.DataFrame({c: 0 for c in _DIF_COLUMNS}, index=[0, 1, 2])
    >>> d["ets_class"], d["irt_class"] = ["A", "B+", "A"], ["A", "A", "C-"]
    >>> dif_shown(d).index.tolist()
    [1, 2]
    """
    wanted = tuple(classes)
    shown = np.zeros(len(dif), dtype=bool)
    for column in ("ets_class", "irt_class"):
        shown |= dif[column].astype(str).str[:1].isin(wanted).to_numpy()
    return dif.loc[shown, list(_DIF_COLUMNS)]


def loadings_table(loadings: pd.DataFrame, adequacy: pd.DataFrame) -> pd.DataFrame:
    """EFA loadings with each item's measure of sampling adequacy (KMO per item).

    Examples
    --------
    >>> l = pd.DataFrame({"item_id": ["q1", "q2"], "factor": 1, "loading": [0.7, 0.6]})
    >>> a = pd.DataFrame({"item_id": ["q1", "q2", "overall"], "msa": [0.6, 0.7, 0.65]})
    >>> loadings_table(l, a)["msa"].tolist()
    [0.6, 0.7]
    """
    return loadings.merge(adequacy[["item_id", "msa"]], on="item_id", how="left")


def score_level_table(scores: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Score levels of the partial-credit items (``max_score`` 2 and more), shares in %.

    Returns
    -------
    DataFrame
        :func:`workbench.psychometrics.score_levels` of those items, ``proportion`` and
        ``mean_rest`` in %.
    """
    polytomous = items.loc[items["max_score"] >= 2, "item_id"].tolist()
    return percent(score_levels(scores, items=polytomous), ["proportion", "mean_rest"])


def wright_data(model, *, limit: float = 5.0) -> pd.DataFrame:
    """The Wright map of a fitted Rasch/PCM model: item (and step) locations and the WLE
    abilities, clipped to ``±limit`` logits (extreme scores would stretch the axis)."""
    persons = model.persons("wle")["estimate"].clip(-limit, limit)
    return wright_map(rasch_thresholds(model), persons)


def rasch_thresholds(model) -> pd.DataFrame:
    """Item (and step) locations of a fitted Rasch/PCM model for the Wright map: ``item_id, b``."""
    table = model.table()
    steps = table[table["parameter"] != "location"]
    return pd.DataFrame({"item_id": steps["item_id"].to_numpy(), "b": steps["estimate"].to_numpy()})


def questionnaire_answers(
    questionnaire: pd.DataFrame, columns: Sequence[str], *, schema: str = "student_questionnaire"
) -> pd.DataFrame:
    """The answers to ``columns`` with every missing code of the schema set to NaN.

    Parameters
    ----------
    questionnaire
        The de-identified questionnaire table.
    columns
        The questionnaire items wanted.
    schema
        The field-data schema that declares the columns' missing codes
        (``workbench/fielddata/schemas/<schema>.yaml``).

    Raises
    ------
    KeyError
        A column is not in the table or not declared in the schema.
    """
    absent = [c for c in columns if c not in questionnaire.columns]
    if absent:
        raise KeyError(
            f"questionnaire_answers: columns {absent} are not in the questionnaire "
            "table; check the names against the schema."
        )
    declared = _schema(schema)
    out = {}
    for column in columns:
        codes = [float(c) for c in (declared.column(column).missing or {})]
        values = pd.to_numeric(questionnaire[column], errors="coerce").astype(float)
        out[column] = values.where(~values.isin(codes))
    return pd.DataFrame(out, index=questionnaire.index)


def class_language(rows: pd.DataFrame, class_tracking: pd.DataFrame) -> pd.Series:
    """The language of instruction (``CLASS_LANG``) of each row's class, in the rows' order."""
    merged = rows[["IDCLASS"]].merge(
        class_tracking[["IDCLASS", "CLASS_LANG"]], on="IDCLASS", how="left"
    )
    return pd.Series(merged["CLASS_LANG"].to_numpy(), index=rows.index, name="language")


def indices_summary(indices: pd.DataFrame, *, id: str = "IDSTUD") -> pd.DataFrame:
    """Count, mean, SD, minimum and maximum of each background index.

    Returns
    -------
    DataFrame
        ``variable, count, mean, std, min, max``.
    """
    values = indices.drop(columns=[id])
    return pd.DataFrame(
        {
            "variable": values.columns,
            "count": values.notna().sum().to_numpy(),
            "mean": values.mean().to_numpy(),
            "std": values.std().to_numpy(),
            "min": values.min().to_numpy(),
            "max": values.max().to_numpy(),
        }
    )


def _schema(name: str):
    return load_schema(files("workbench.fielddata").joinpath("schemas", f"{name}.yaml"))
