"""Reporting rules of the results tables (stage: results): what is shown, flagged or hidden.

Four rules, each with a symbol for the legend and a counter of the rows it touched:

- ``n``: fewer students than the cycle's ``suppress_below`` -> the estimate is not shown
  (the cycle's small-cell rule, applied by :func:`workbench.disclosure.suppress_small_cells`);
- ``se``: a score estimate whose SE exceeds ``max_se`` points -> ``†`` (interpret with care);
- ``cv``: a percentage whose coefficient of variation (SE / estimate) exceeds ``max_cv`` ->
  ``‡`` (the estimate is unstable);
- ``answered``: fewer than 85 % of the group's students answered the background variable
  (IEA): ``r`` 70-85 %, ``s`` 50-70 %, ``x`` below 50 % (not shown).

A rule that cannot act on a table (no column for it) is counted as "not applicable" with
the reason, never skipped silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.disclosure import suppress_small_cells

__all__ = ["Rules", "RULES", "apply_rules", "rule_counts", "legend"]

#: rule -> symbol in the tables
RULES: dict[str, str] = {
    "n": "–",
    "se": "†",
    "cv": "‡",
    "answered_r": "r",
    "answered_s": "s",
    "answered_x": "x",
}
#: columns blanked when a row is not shown
_HIDDEN = (
    "estimate",
    "se",
    "ci_lower",
    "ci_upper",
    "se_sampling",
    "se_imputation",
    "p_value",
    "percent",
    "percent_se",
    "standardized",
    "standardized_se",
    "symbol",
)


@dataclass(frozen=True)
class Rules:
    """Thresholds of the reporting rules.

    Parameters
    ----------
    suppress_below
        Minimum unweighted N of a shown estimate (the cycle's ``suppress_below``).
    max_se
        Score estimates (points) with a larger SE are flagged ``†``.
    max_cv
        Percentages with a larger SE / estimate are flagged ``‡``.
    answered
        IEA share (%) of a group's students who must have answered a background variable.
    """

    suppress_below: int
    max_se: float = 10.0
    max_cv: float = 0.3
    answered: float = 85.0

    def __post_init__(self):
        if (
            self.suppress_below < 1
            or self.max_se <= 0
            or self.max_cv <= 0
            or not 0 < self.answered <= 100
        ):
            raise ValueError(
                f"Rules: thresholds out of range ({self!r}); suppress_below >= 1, "
                "max_se > 0, max_cv > 0, 0 < answered <= 100."
            )


def apply_rules(
    table: pd.DataFrame,
    rules: Rules,
    *,
    lang: str = "en",
    score: Sequence[tuple[str, str]] = (("estimate", "se"),),
    percent: Sequence[tuple[str, str]] = (),
) -> pd.DataFrame:
    """Apply the reporting rules to one table: flags, and hidden cells where a rule says so.

    Parameters
    ----------
    table
        An exhibit table with ``n`` (and ``answered`` for background tables).
    rules
        The thresholds.
    lang
        Language of the ``note`` of a suppressed row.
    score, percent
        ``(estimate column, SE column)`` pairs checked by the SE rule (points) and by the CV
        rule (percentages).

    Returns
    -------
    DataFrame
        The table with ``rule_n, rule_se, rule_cv, rule_answered`` (booleans; ``<NA>`` when
        the rule does not apply to the table), ``flags`` (symbols, e.g. ``"† r"``) and
        ``shown`` (False: the estimate columns are blank because of rule ``n`` or ``x``) and
        the ``note`` of :func:`workbench.disclosure.suppress_small_cells`.

    Checked against
    ---------------
    The rules at their edges (N = suppress_below - 1 and suppress_below, CV and SE at the
    threshold, 85 / 70 / 50 % answered); ``tests/test_results_rules.py``.

    Examples
    --------
    >>> t = pd.DataFrame({"estimate": [500.0, 480.0, 450.0], "se": [3.0, 12.0, 4.0],
    ...                   "n": [400, 300, 5]})
    >>> apply_rules(t, Rules(suppress_below=10))[["estimate", "flags", "shown"]]
       estimate flags  shown
    0     500.0         True
    1     480.0     †   True
    2       NaN     –  False
    """
    out = table.copy()
    if "n" not in out.columns:
        raise KeyError(
            f"apply_rules: the table has no column 'n' (columns: "
            f"{list(out.columns)[:10]}); pass an exhibit table with its Ns."
        )
    numeric = [c for c in _HIDDEN if c in out.columns and pd.api.types.is_numeric_dtype(out[c])]
    out = suppress_small_cells(out, min_n=rules.suppress_below, lang=lang, columns=numeric)
    small = (pd.to_numeric(out["n"], errors="coerce") < rules.suppress_below).to_numpy()
    se_flag = np.zeros(len(out), dtype=bool)
    for est, se in score:
        if est in out.columns and se in out.columns:
            se_flag |= out[se].to_numpy(float) > rules.max_se
    cv_flag = np.zeros(len(out), dtype=bool)
    for est, se in percent:
        if est in out.columns and se in out.columns:
            with np.errstate(divide="ignore", invalid="ignore"):
                cv = out[se].to_numpy(float) / np.abs(out[est].to_numpy(float))
            cv_flag |= np.nan_to_num(cv, nan=0.0) > rules.max_cv
    answered = out["answered"].to_numpy(float) if "answered" in out.columns else None
    flags = [[] for _ in range(len(out))]
    hidden = small.copy()
    if answered is not None:
        tier = np.select(
            [answered < 50, answered < 70, answered < rules.answered], ["x", "s", "r"], default=""
        )
        hidden |= tier == "x"
    for i in range(len(out)):
        if small[i]:
            flags[i].append(RULES["n"])
        if se_flag[i] and not hidden[i]:
            flags[i].append(RULES["se"])
        if cv_flag[i] and not hidden[i]:
            flags[i].append(RULES["cv"])
        if answered is not None and tier[i]:
            flags[i].append(tier[i])
    out["rule_n"] = small
    out["rule_se"] = pd.array(se_flag if score else [pd.NA] * len(out), dtype="boolean")
    out["rule_cv"] = pd.array(cv_flag if percent else [pd.NA] * len(out), dtype="boolean")
    out["rule_answered"] = pd.array(
        answered < rules.answered if answered is not None else [pd.NA] * len(out), dtype="boolean"
    )
    blank = [c for c in _HIDDEN if c in out.columns]
    for column in blank:
        if pd.api.types.is_numeric_dtype(out[column]):
            out.loc[hidden, column] = np.nan
        else:
            out.loc[hidden, column] = ""
    out["flags"] = [" ".join(f) for f in flags]
    out["shown"] = ~hidden
    return out


def rule_counts(
    tables: Mapping[str, pd.DataFrame], reasons: Mapping[str, Mapping[str, str]] | None = None
) -> pd.DataFrame:
    """How many rows each rule touched in each table (tables passed through
    :func:`apply_rules`); a rule that cannot apply is listed with the reason
    (``reasons[table][rule]`` when given, else a generic one; reasons are label keys of
    ``workbench/texts/labels_results.yaml``, so the report shows them in its language).

    Returns
    -------
    DataFrame
        ``table, rule, rows, touched, status`` (``applied`` or ``not_applicable``),
        ``reason`` (why a rule does not apply; empty when applied).

    Examples
    --------
    >>> t = apply_rules(pd.DataFrame({"estimate": [1.0, 2.0], "se": [11.0, 1.0],
    ...                               "n": [50, 5]}), Rules(suppress_below=10))
    >>> rule_counts({"demo": t})[["rule", "touched", "status"]].values.tolist()[:2]
    [['n', 1, 'applied'], ['se', 1, 'applied']]
    """
    generic = {
        "se": "reason_no_score",
        "cv": "reason_no_percent",
        "answered": "reason_no_background",
    }
    rows = []
    for name, table in tables.items():
        for rule in ("n", "se", "cv", "answered"):
            column = f"rule_{rule}"
            if column not in table.columns:
                raise KeyError(
                    f"rule_counts: table {name!r} has no {column!r}; pass it "
                    "through apply_rules first."
                )
            values = table[column]
            if values.isna().all():
                why = (
                    "reason_empty"
                    if table.empty
                    else (((reasons or {}).get(name) or {}).get(rule) or generic.get(rule, ""))
                )
                rows.append(
                    {
                        "table": name,
                        "rule": rule,
                        "rows": len(table),
                        "touched": 0,
                        "status": "not_applicable",
                        "reason": why,
                    }
                )
            else:
                rows.append(
                    {
                        "table": name,
                        "rule": rule,
                        "rows": len(table),
                        "touched": int(values.fillna(False).astype(bool).sum()),
                        "status": "applied",
                        "reason": "",
                    }
                )
    return pd.DataFrame(rows, columns=["table", "rule", "rows", "touched", "status", "reason"])


def legend(rules: Rules) -> pd.DataFrame:
    """The legend of the symbols: ``symbol, rule, meaning_ky, meaning_ru, meaning_en``.

    Examples
    --------
    >>> legend(Rules(suppress_below=10))["meaning_en"].iloc[0]
    'fewer than 10 students: estimate not shown'
    """
    from workbench.labels import LANGS
    from workbench.report import text

    rows = []
    for key, symbol in RULES.items():
        meanings = {
            f"meaning_{lang}": text(
                "results",
                f"rule_{key}",
                lang=lang,
                n=rules.suppress_below,
                max_se=rules.max_se,
                max_cv=round(100 * rules.max_cv),
                answered=rules.answered,
            ).data
            for lang in LANGS
        }
        rows.append({"symbol": symbol, "rule": key, **meanings})
    return pd.DataFrame(rows)
