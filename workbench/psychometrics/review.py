"""Report-ready tables of the validity stage (``notebooks/40_validity.py``).

The stage notebook only calls these: every reshaping, re-coding and labelling of the item
review lives here, with tests (``tests/test_psychometrics_review.py``), so the notebook holds
narrative, parameters, calls and figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

import pandas as pd

from workbench.fielddata.schema import load_schema
from workbench.labels import label
from workbench.psychometrics.reliability import booklet_reliability

__all__ = [
    "statistics_table",
    "weakest_options",
    "reliability_summary",
    "count_reasons",
    "reasons_table",
    "rasch_thresholds",
    "questionnaire_answers",
    "class_language",
    "indices_summary",
    "percent",
]

FIT_REASONS = ("infit", "outfit", "misfit_rmsd")


def percent(data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy of ``data`` with the given share columns (0-1) shown as percentages (0-100).

    Examples
    --------
    >>> percent(pd.DataFrame({"p": [0.25]}), ["p"])["p"].tolist()
    [25.0]
    """
    return data.assign(**{c: 100 * data[c] for c in columns})


def statistics_table(statistics: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """The item-statistics table as the report shows it: missing rates in %, flags labelled.

    Parameters
    ----------
    statistics
        :func:`workbench.psychometrics.item_statistics` output.
    lang
        Report language of the flag labels.

    Returns
    -------
    DataFrame
        ``item, type, n, max_score, p_value, r_item_rest, omitted, not_reached, flags``
        (``omitted`` and ``not_reached`` in %, ``flags`` as labels joined by ``, ``).

    Examples
    --------
    >>> s = pd.DataFrame({"item": ["a"], "omitted": [0.1], "not_reached": [0.0],
    ...                   "flag_hard": [True], "flags": ["hard"]})
    >>> statistics_table(s, lang="en")["omitted"].tolist()
    [10.0]
    """
    shown = statistics.drop(columns=[c for c in statistics if c.startswith("flag_")])
    shown = percent(shown, ["omitted", "not_reached"])
    return shown.assign(flags=shown["flags"].map(lambda f: _labels(str(f), lang)))


def weakest_options(options: pd.DataFrame, *, n: int = 4) -> pd.DataFrame:
    """The option tables of the ``n`` MC items whose best distractor correlates most with the
    rest score (the items most worth a look), option shares in %.

    Parameters
    ----------
    options
        :func:`workbench.psychometrics.option_table` output (``item, option, is_key,
        proportion, r_option_rest``).

    Returns
    -------
    DataFrame
        The rows of those items, ``proportion`` in %.
    """
    distractors = options[~options["is_key"]]
    worst = distractors.groupby("item")["r_option_rest"].max().nlargest(n).index
    return percent(options[options["item"].isin(worst)], ["proportion"])


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


def reasons_table(verdicts: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """The items not kept, with their reasons labelled in ``lang`` (DIF with its comparison).

    Examples
    --------
    >>> v = pd.DataFrame({"item_id": ["a", "b"], "verdict": ["keep", "review"],
    ...                   "reasons": ["", "dif_gender"]})
    >>> reasons_table(v, lang="en")["reasons"].tolist()
    ['DIF C (gender)']
    """
    shown = verdicts[verdicts["verdict"] != "keep"]
    return shown.assign(reasons=shown["reasons"].map(lambda r: _reason_labels(str(r), lang)))


def rasch_thresholds(model) -> pd.DataFrame:
    """Item (and step) locations of a fitted Rasch/PCM model for the Wright map: ``item_id, b``."""
    table = model.table()
    steps = table[table["parameter"] != "location"]
    return pd.DataFrame({"item_id": steps["item"].to_numpy(), "b": steps["estimate"].to_numpy()})


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


def _labels(codes: str, lang: str) -> str:
    return ", ".join(label(k, lang) for k in codes.split(";") if k)


def _reason_labels(codes: str, lang: str) -> str:
    shown = []
    for code in (k for k in codes.split(";") if k):
        if code.startswith("dif_"):
            shown.append(f"{label('dif', lang)} ({label(code[4:], lang)})")
        else:
            shown.append(label(code, lang))
    return "; ".join(shown)


def _schema(name: str):
    return load_schema(files("workbench.fielddata").joinpath("schemas", f"{name}.yaml"))
