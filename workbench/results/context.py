"""Context of achievement (stage: results, exhibit 4): background and reading.

The analysis frame joins the school and teacher analysis files (and, if the validity stage
wrote them, the questionnaire scales) to the students, bins continuous background variables
and adds the 0/1 indicators of the reporting groups; one design is then built on it. The
exhibits: mean reading by category of each background variable with the share of students
in it, and a multiple regression with unstandardized and standardized coefficients.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from workbench.results._common import GROUP_CODES, SCHOOL, group_code, inference
from workbench.survey._iea import IEA_WEIGHT

__all__ = [
    "analysis_frame",
    "context_means",
    "regression",
    "variance_split",
    "indicator_name",
    "expand_predictors",
]

#: continuous variables with more distinct values than this are cut into thirds
MAX_CATEGORIES = 6
_THIRDS = ("low", "middle", "high")
#: names of the variance components in the results tables (labelled in three languages)
_COMPONENT = {
    "between": "variance_between",
    "within": "variance_within",
    "total": "variance_total",
    "icc": "icc",
}


def indicator_name(column: str, code: object) -> str:
    """Name of the 0/1 indicator of one group: ``locality_urban``, ``ITSEX_girl``.

    Examples
    --------
    >>> indicator_name("ITSEX", 1), indicator_name("language", "ru")
    ('ITSEX_girl', 'language_ru')
    """
    return f"{column}_{group_code(column, code)}"


def analysis_frame(
    students: pd.DataFrame,
    *,
    schools: pd.DataFrame | None = None,
    teachers: pd.DataFrame | None = None,
    scales: pd.DataFrame | None = None,
    background: Sequence[str] = (),
    indicators: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The student file with school, teacher and scale columns, binned and indicator columns.

    Parameters
    ----------
    students
        ``student_results`` (one row per student, IEA names).
    schools, teachers, scales
        ``school_results`` (joined on ``IDSCHOOL``), ``teacher_results`` (on ``IDCLASS``; a
        class with several teachers takes the mean of their numeric answers) and the validity
        stage's ``scale_scores`` (on ``IDSTUD``); only columns the students lack are joined.
    background
        Background variables shown by category; one with more than 6 distinct values or
        with non-integer values (a scale) is also cut into weighted thirds (``<name>_3``:
        low, middle, high).
    indicators
        ``{group column: reference code}``: 0/1 indicator columns
        (:func:`indicator_name`) for every other code, for regressions.

    Returns
    -------
    (frame, log)
        The new frame and a log of every join, binning and indicator, in codes: ``step``
        (``join``, ``thirds``, ``indicators``), ``source`` (the table joined or the variable),
        ``key`` (join key), ``reference`` (an indicator's reference code), ``columns``
        (columns joined or made), ``rows`` (students with a value); a table not available is
        joined with 0 columns and 0 rows. Nothing is dropped: students keep their row when a
        school or teacher record is missing.

    Raises
    ------
    KeyError
        If a join key or a named background variable is missing.

    Checked against
    ---------------
    A hand-made file (joins, a class with two teachers, thirds, indicators, a student without
    school record kept); ``tests/test_results.py::test_analysis_frame_joins_bins_and_...``.
    """
    frame, log = students.copy(), []
    for name, table, key in (
        ("school_results", schools, SCHOOL),
        ("teacher_results", teachers, "IDCLASS"),
        ("scale_scores", scales, "IDSTUD"),
    ):
        if table is None:
            log.append(_step("join", name, key=key, columns=0, rows=0))
            continue
        if key not in table.columns or key not in frame.columns:
            raise KeyError(
                f"analysis_frame: {name} and student_results must both have "
                f"{key!r} (columns of {name}: {list(table.columns)[:8]}); pass the "
                "catalog tables."
            )
        own = [c for c in table.columns if c not in frame.columns]
        part = table[[key, *own]]
        if part[key].duplicated().any():
            numeric = [c for c in own if pd.api.types.is_numeric_dtype(part[c])]
            part = part.groupby(key, as_index=False)[numeric].mean()
            own = numeric
        frame = frame.merge(part, on=key, how="left", validate="m:1")
        matched = int(frame[own[0]].notna().sum()) if own else 0
        log.append(_step("join", name, key=key, columns=len(own), rows=matched))
    for column in background:
        if column not in frame.columns:
            raise KeyError(
                f"analysis_frame: background variable {column!r} is not in the "
                "student, school or teacher file; remove it from the parameters "
                "or check the codebook."
            )
        values = pd.to_numeric(frame[column], errors="coerce")
        whole = bool((values.dropna() % 1 == 0).all())
        if values.nunique() > MAX_CATEGORIES or not whole:
            frame[f"{column}_3"] = _thirds(values, frame[IEA_WEIGHT])
            log.append(_step("thirds", column, columns=1, rows=int(values.notna().sum())))
    for column, reference in (indicators or {}).items():
        codes = frame[column].map(lambda v, c=column: None if pd.isna(v) else group_code(c, v))
        for code in sorted(set(codes.dropna()) - {group_code(column, reference)}):
            frame[indicator_name(column, code)] = np.where(
                codes.isna(), np.nan, (codes == code).astype(float)
            )
        made = len(set(codes.dropna()) - {group_code(column, reference)})
        log.append(
            _step(
                "indicators",
                column,
                reference=group_code(column, reference),
                columns=made,
                rows=int(codes.notna().sum()),
            )
        )
    return frame, pd.DataFrame(log)


def _step(step: str, source: str, *, key: str = "", reference: str = "", columns: int, rows: int):
    """One row of the analysis frame's log (codes and counts, no words)."""
    return {
        "step": step,
        "source": source,
        "key": key,
        "reference": reference,
        "columns": columns,
        "rows": rows,
    }


def context_means(
    design, variables: Sequence[str], *, variable: str = "reading", level: float = 0.95
) -> pd.DataFrame:
    """Mean reading by category of each background variable, with the share of students.

    A variable binned by :func:`analysis_frame` is shown by its thirds (``<name>_3``).

    Returns
    -------
    DataFrame
        ``background, category, percent, percent_se, estimate, se, ci_lower, ci_upper, df,
        n, n_schools, answered`` (the weighted share of students with a score who answered
        the variable, 0-100; the reporting rules flag it below 85 %).

    Checked against
    ---------------
    R ``svymean(~factor(x))`` and ``svyby(~PV, ~x, svymean)`` + ``MIcombine`` on the TIMSS
    2011 JK2 design (``tests/reference/results``).
    """
    data, rows = design.data, []
    scored = data[design.pvs.get(variable, [variable])].notna().all(axis=1)
    weight = data[IEA_WEIGHT].where(scored, 0.0)
    for name in variables:
        column = f"{name}_3" if f"{name}_3" in data.columns else name
        if column not in data.columns:
            raise KeyError(
                f"context_means: no column {name!r} in the design's data; build the "
                "design on analysis_frame(...) with this background variable."
            )
        share = design.percent(column).rename(columns={"estimate": "percent", "se": "percent_se"})
        means = inference(design.mean(variable, by=column), level=level, p_value=False)
        means = means.rename(columns={column: "category"})
        table = means.merge(share[["category", "percent", "percent_se"]], on="category", how="left")
        counts = (
            data[scored].groupby(column, observed=True)[SCHOOL].nunique()
            if SCHOOL in data.columns
            else pd.Series(dtype=float)
        )
        table["n_schools"] = table["category"].map(counts).astype("Int64")
        table["category"] = [_category(column, v) for v in table["category"]]
        table["answered"] = 100.0 * weight[data[column].notna()].sum() / weight.sum()
        table.insert(0, "background", name)
        rows.append(table)
    out = pd.concat(rows, ignore_index=True)
    first = [
        "background",
        "category",
        "percent",
        "percent_se",
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "df",
        "n",
        "n_schools",
        "answered",
    ]
    return out[first + [c for c in out.columns if c not in first]]


def regression(
    design,
    predictors: Sequence[str],
    *,
    variable: str = "reading",
    level: float = 0.95,
    min_schools: int = 5,
) -> pd.DataFrame:
    """Multiple regression of reading on background: raw and standardized coefficients.

    ``estimate`` is the change in points per unit of the predictor; ``standardized`` is
    ``estimate * sd(x) / sd(y)`` with weighted SDs over the cases used (SD of the outcome
    averaged over PVs), its SE scaled alike (the SDs taken as fixed). The last row, ``r2``,
    is the share of variance explained with its replicate SE over PVs
    (``RepDesign.r_squared``).

    Parameters
    ----------
    predictors
        Numeric columns (0/1 indicators of :func:`analysis_frame`, ordinal codes, scales);
        a group column stands for all its indicators (:func:`expand_predictors`).
    min_schools
        A 0/1 indicator whose group has students in fewer schools is left out of the model
        (a jackknife replicate that drops one of them makes the model singular); it stays
        in the table as a row without estimate, with its schools in ``left_out_schools``.

    Returns
    -------
    DataFrame
        ``term, estimate, se, ci_lower, ci_upper, df, p_value, standardized,
        standardized_se, n, left_out_schools`` (+ the engine's other columns); the last row
        is ``r2``.

    Checked against
    ---------------
    R ``svyglm(PV ~ ...)`` on the replicate design + ``MIcombine``, standardized by the
    weighted SDs (``tests/reference/results``); the synthetic nation's generating effects
    (``tests/test_results.py``).
    """
    data = design.data
    predictors, dropped = _enough_schools(data, expand_predictors(data, predictors), min_schools)
    formula = f"{variable} ~ " + " + ".join(predictors)
    table = inference(design.regress(formula), level=level)
    pvs = design.pvs.get(variable, [variable])
    used = data[[*pvs, *predictors]].notna().all(axis=1) & (data[IEA_WEIGHT] > 0)
    w = data.loc[used, IEA_WEIGHT].to_numpy(float)
    sd_y = float(np.mean([_wsd(data.loc[used, p].to_numpy(float), w) for p in pvs]))
    sd = {p: _wsd(data.loc[used, p].to_numpy(float), w) for p in predictors}
    factor = table["term"].map(lambda t: sd.get(t, np.nan) / sd_y)
    table["standardized"] = table["estimate"] * factor
    table["standardized_se"] = table["se"] * factor
    r2 = design.r_squared(formula, level=level).assign(term="r2")
    left_out = pd.DataFrame(
        {
            "variable": variable,
            "term": list(dropped),
            "n": [int((data[t] == 1).sum()) for t in dropped],
            "left_out_schools": list(dropped.values()),
        }
    )
    out = pd.concat([table, left_out, r2], ignore_index=True)
    out["left_out_schools"] = out["left_out_schools"].astype("Int64")
    out["n"] = out["n"].astype("Int64")
    return out


def _enough_schools(
    data: pd.DataFrame, predictors: list[str], min_schools: int
) -> tuple[list[str], dict[str, int]]:
    """Keep the predictors; leave out 0/1 indicators present in fewer than ``min_schools``."""
    keep, dropped = [], {}
    for name in predictors:
        values = data[name]
        binary = set(pd.unique(values.dropna())) <= {0.0, 1.0}
        if binary and SCHOOL in data.columns:
            schools = int(data.loc[values == 1, SCHOOL].nunique())
            if schools < min_schools:
                dropped[name] = schools
                continue
        keep.append(name)
    return keep, dropped


def expand_predictors(data: pd.DataFrame, predictors: Sequence[str]) -> list[str]:
    """Predictors with each group column replaced by its 0/1 indicators (``language`` ->
    ``language_ru, language_uz``), as :func:`analysis_frame` made them.

    Raises
    ------
    KeyError
        If a predictor is neither a numeric column nor a group with indicators.

    Examples
    --------
    >>> df = pd.DataFrame({"language": ["ky", "ru"], "language_ru": [0.0, 1.0],
    ...                    "ASBG04": [1, 2]})
    >>> expand_predictors(df, ["language", "ASBG04"])
    ['language_ru', 'ASBG04']
    """
    out = []
    for name in predictors:
        made = [
            c
            for c in data.columns
            if str(c).startswith(f"{name}_")
            and not str(c).endswith(("_MISSING", "_3"))
            and set(pd.unique(data[c].dropna())) <= {0.0, 1.0}
        ]
        numeric = name in data.columns and pd.api.types.is_numeric_dtype(data[name])
        if made and (not numeric or name in GROUP_CODES):
            out += made
        elif numeric:
            out.append(name)
        else:
            raise KeyError(
                f"regression: predictor {name!r} is not a numeric column and has no "
                "0/1 indicators; list it under indicators in the parameters or "
                "use a numeric column."
            )
    return out


def _wsd(x: np.ndarray, w: np.ndarray) -> float:
    m = np.average(x, weights=w)
    return float(np.sqrt(np.average((x - m) ** 2, weights=w)))


def _thirds(values: pd.Series, weight: pd.Series) -> pd.Series:
    """Weighted thirds of a continuous variable: ``low, middle, high`` (missing stays NA)."""
    ok = values.notna() & weight.notna()
    order = values[ok].sort_values(kind="stable")
    cum = weight[order.index].cumsum() / weight[order.index].sum()
    cuts = [order[cum >= q].iloc[0] for q in (1 / 3, 2 / 3)]
    codes = np.searchsorted(cuts, values[ok].to_numpy(float), side="right")
    out = pd.Series(pd.NA, index=values.index, dtype=object)
    out[ok] = [_THIRDS[min(c, 2)] for c in codes]
    return out


def _category(column: str, value: object) -> str:
    return group_code(column, value) if column in GROUP_CODES else group_code("", value)


def variance_split(
    design, predictors: Sequence[str], *, variable: str = "reading", group: str = SCHOOL
) -> pd.DataFrame:
    """Between- and within-school variance, ICC, and the share the background explains.

    Two two-level random-intercept models (:func:`workbench.survey.mixed`: weights at both
    levels, PVs by Rubin's rules) on the same students: the null model and the model with
    ``predictors``.

    Returns
    -------
    DataFrame
        ``model`` (``model_null``, ``model_background``, ``model_explained``), ``component``
        (``variance_between, variance_within, variance_total, icc``; for the explained rows
        the share of each variance), ``estimate, se, df, ci_lower, ci_upper, n, n_schools``.

    Checked against
    ---------------
    ``workbench.survey.mixed`` (R ``lme4`` unweighted, the synthetic nation's ICC ≈ 0.39);
    ``tests/test_results.py`` recovers the ICC on the synthetic nation.
    """
    from workbench.survey.mixed import mixed

    data = design.data
    predictors = expand_predictors(data, predictors)
    complete = data[list(predictors) + [group]].notna().all(axis=1).to_numpy()
    same = design.subset(complete)
    null = mixed(same, f"{variable} ~ 1", group=group)
    full = mixed(same, f"{variable} ~ " + " + ".join(predictors), group=group)
    parts = [
        null.variance().assign(model="model_null"),
        full.variance().assign(model="model_background"),
        full.explained(null).assign(model="model_explained"),
    ]
    out = pd.concat(parts, ignore_index=True)
    out["component"] = out["component"].map(_COMPONENT).fillna(out["component"])
    first = ["model", "component", "estimate", "se", "df", "ci_lower", "ci_upper", "n", "n_schools"]
    return out[[c for c in first if c in out.columns] + [c for c in out.columns if c not in first]]
