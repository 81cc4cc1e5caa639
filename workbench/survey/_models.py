"""Regression models of :class:`RepDesign` (stage: results & comparative analysis).

Linear and logistic regressions with replicate standard errors and PVs, R² and Wald tests.
"""

from __future__ import annotations

import pandas as pd

from . import _estimators as est
from ._doc import example

__all__ = ["Models"]


class Models:
    """Regression models; mixed into :class:`workbench.survey.RepDesign`."""

    @example
    def regress(
        self, formula: str, *, by: str | list[str] | None = None, level: float = 0.95
    ) -> pd.DataFrame:
        """Weighted linear regression with replicate standard errors.

        Parameters
        ----------
        formula
            ``"outcome ~ x1 + x2 + C(cat)"``; ``C(name)`` is treatment-coded against its
            first sorted level; ``- 1`` drops the intercept. Outcome and predictors may be
            PV scales (PV m is used with PV m).
        by
            Grouping column(s): one model per group.
        level
            Confidence level of ``ci_lower``/``ci_upper`` (t with the row's ``df``).

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable`` (outcome), ``term``, ``estimate``,
        ``se``, ``n``, ``sum_weights`` (+ PV parts).

        Raises
        ------
        ValueError
            If the formula uses unsupported syntax or the design matrix is rank deficient.

        Checked against
        ---------------
        R ``svyglm`` on the replicate design + ``MIcombine``;
        ``test_regress_matches_r_svyglm``.

        Examples
        --------
        {example}
        >>> d.regress("y ~ g")[["term", "estimate", "se"]]
                  term  estimate        se
        0  (Intercept)       1.5  0.500000
        1            g       2.5  1.118034
        """
        return self._finish(est.model(self, formula, by, family="linear"), level, p_value=True)

    def logit(
        self, formula: str, *, by: str | list[str] | None = None, level: float = 0.95
    ) -> pd.DataFrame:
        """Weighted logistic regression (coefficients on the log-odds scale).

        All replicates are fitted together by a vectorized Newton-Raphson (IRLS) to a
        relative step below 1e-12.

        Parameters
        ----------
        formula
            ``"y ~ x1 + C(cat)"`` with ``y`` coded 0/1; predictors may be PV scales.
        by
            Grouping column(s).
        level
            Confidence level of ``ci_lower``/``ci_upper`` (t with the row's ``df``).

        Returns
        -------
        Same columns as :meth:`regress`.

        Raises
        ------
        ValueError
            If the outcome is not coded 0/1.

        Checked against
        ---------------
        R ``svyglm(..., family=quasibinomial())`` on the replicate design;
        ``test_logit_matches_r_svyglm``.

        Examples
        --------
        >>> import pandas as pd
        >>> from workbench.survey import RepDesign
        >>> df = pd.DataFrame({"w": [1.0] * 6, "r1": [2.0, 0, 1, 1, 1, 1],
        ...                    "r2": [1.0, 1, 2, 0, 1, 1], "x": [0, 1, 2, 3, 4, 5],
        ...                    "y": [0, 1, 0, 1, 0, 1]})
        >>> d = RepDesign(df, weight="w", replicates=["r1", "r2"])
        >>> d.logit("y ~ x")["estimate"].round(6).tolist()
        [-0.903302, 0.361321]
        """
        return self._finish(est.model(self, formula, by, family="logit"), level, p_value=True)
