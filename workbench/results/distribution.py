"""Achievement distribution (stage: results, exhibit 1): mean, SD and percentiles by group.

The nation and each reporting group: mean with its SE and confidence interval, the standard
deviation, the 5th, 25th, 50th, 75th and 95th percentiles with their SEs, and the numbers of
students and schools, as the first exhibit of a PIRLS international report.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from workbench.results._common import GROUPS, inference, stack

__all__ = ["PERCENTILES", "distribution"]

#: percentiles of the distribution exhibit (PIRLS: 5, 25, 50, 75, 95)
PERCENTILES: tuple[int, ...] = (5, 25, 50, 75, 95)


def distribution(
    design,
    *,
    variable: str = "reading",
    groups: Sequence[str] = GROUPS,
    percentiles: Sequence[int] = PERCENTILES,
    level: float = 0.95,
) -> pd.DataFrame:
    """Mean, SD and percentiles of a PV scale, nationally and for each reporting group.

    Parameters
    ----------
    design
        ``RepDesign`` of the student analysis file (``RepDesign.iea(student_results)``).
    variable
        PV scale (``"reading"``) or column.
    groups
        Reporting-group columns (region, locality, language, school_type, ITSEX).
    percentiles
        Percentiles in 1..99.
    level
        Confidence level of ``ci_lower, ci_upper``.

    Returns
    -------
    DataFrame
        ``group_var, group, statistic`` (``mean``, ``sd``, ``p5``, ``p25``, ...),
        ``variable, estimate, se, n, sum_weights, se_sampling, se_imputation, n_pv, df,
        ci_lower, ci_upper, n_schools``; the nation first (``group_var`` "all").

    Raises
    ------
    ValueError
        If a percentile lies outside 1..99.

    Checked against
    ---------------
    R ``svymean``, ``svyvar`` and ``svyquantile(qrule="math")`` on the JK2 design of the
    TIMSS 2011 file + ``MIcombine`` (``tests/reference/results``); recovery of the synthetic
    nation's regional means (``tests/test_results.py``).

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.survey import RepDesign
    >>> df = pd.DataFrame({"TOTWGT": [1.0] * 4, "RWGT1": [2.0, 0, 1, 1],
    ...                    "RWGT2": [1.0, 1, 2, 0], "READ01": [400.0, 500, 520, 610],
    ...                    "READ02": [410.0, 490, 530, 600], "ITSEX": [1, 2, 1, 2]})
    >>> t = distribution(RepDesign.iea(df), groups=["ITSEX"], percentiles=[50])
    >>> t[t["statistic"] == "mean"][["group", "estimate"]].values.tolist()
    [['all', 507.5], ['girl', 465.0], ['boy', 550.0]]
    """
    probs = [float(p) for p in percentiles]
    if any(not 1 <= p <= 99 for p in probs):
        raise ValueError(
            f"distribution: percentiles must lie in 1..99 ({list(percentiles)!r}); "
            "use e.g. [5, 25, 50, 75, 95]."
        )

    def one(d, by):
        mean = d.mean(variable, by=by).assign(statistic="mean")
        sd = d.std(variable, by=by).assign(statistic="sd")
        quant = d.quantile(variable, [p / 100 for p in probs], by=by)
        quant["statistic"] = [f"p{round(q * 100):d}" for q in quant.pop("quantile")]
        table = pd.concat([mean, sd, quant], ignore_index=True)
        return inference(table, level=level, p_value=False)

    out = stack(design, one, groups, variable=variable)
    first = ["group_var", "group", "statistic"]
    return out[first + [c for c in out.columns if c not in first]]
