"""Regression models of :class:`RepDesign` (stage: results & comparative analysis).

Linear and logistic regressions with replicate standard errors and PVs, R² and Wald tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _regression as reg
from ._doc import example
from ._inference import f_sf
from ._variance import covariance

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
        ``se``, ``n``, ``df``, ``ci_lower``, ``ci_upper``, ``p_value`` (H0: coefficient 0),
        ``sum_weights`` (+ PV parts).

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
        return self._finish(reg.model(self, formula, by, family="linear"), level, p_value=True)

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
        return self._finish(reg.model(self, formula, by, family="logit"), level, p_value=True)

    @example
    def r_squared(
        self, formula: str, *, by: str | list[str] | None = None, level: float = 0.95
    ) -> pd.DataFrame:
        """R² of a weighted linear regression, with its replicate SE combined over PVs.

        R² = 1 - sum w e² / sum w (y - ȳ_w)² is computed for the full-sample weight, every
        replicate weight and every PV (with a PV outcome or predictor), then combined by
        Rubin's rules like any other statistic.

        Parameters
        ----------
        formula
            As in :meth:`regress`.
        by
            Grouping column(s): one model per group.
        level
            Confidence level of ``ci_lower``/``ci_upper``.

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable`` (outcome), ``estimate`` (R²), ``se``,
        ``n``, ``df``, ``ci_lower``, ``ci_upper``, ``sum_weights`` (+ PV parts).

        Checked against
        ---------------
        R ``withReplicates(design, function(w, d) 1 - sum(w e²) / sum(w (y - ȳ)²))`` per PV
        + ``MIcombine``; ``test_r_squared_matches_r``.

        Examples
        --------
        {example}
        >>> d.r_squared("y ~ g")[["variable", "estimate"]].round(6)
          variable  estimate
        0        y  0.649351
        """
        return self._finish(reg.model(self, formula, by, "r2"), level)

    @example
    def wald(
        self,
        formula: str,
        terms: str | list[str],
        *,
        by: str | list[str] | None = None,
        family: str = "linear",
        df: float | None = None,
    ) -> pd.DataFrame:
        """Wald F test that several coefficients are all zero (R ``regTermTest``, "Wald").

        F = b' V^-1 b / q with b the q tested coefficients and V their covariance
        (replicate covariance averaged over PVs + (1 + 1/M) x between-PV covariance);
        p from F(q, df).

        Parameters
        ----------
        formula
            The model, as in :meth:`regress`.
        terms
            Term labels (``"C(region)"``, ``"books"``, ``"C(lang):female"``: every
            coefficient of the term) or coefficient names (``"C(lang)[2]"``).
        by
            Grouping column(s): one test per group.
        family
            ``"linear"`` (:meth:`regress`) or ``"logit"`` (:meth:`logit`).
        df
            Denominator degrees of freedom; default: the smallest ``df`` of the tested
            coefficients (as ``regTermTest`` on an ``MIcombine`` result).

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable`` (outcome), ``term`` (tested terms
        joined by " + "), ``statistic`` (F), ``df_num`` (q), ``df`` (denominator),
        ``p_value``, ``n``.

        Raises
        ------
        KeyError
            If a term is not in the model.

        Checked against
        ---------------
        R ``regTermTest(svyglm(...), ~factor(lang), method="Wald")`` and the same F from
        ``MIcombine``'s covariance with PVs; ``test_wald_matches_r_regtermtest``.

        Examples
        --------
        {example}
        >>> d.wald("y ~ g", "g")[["term", "statistic", "df_num"]]
          term  statistic  df_num
        0    g        5.0       1
        """
        if family not in ("linear", "logit"):
            raise ValueError(
                f"RepDesign.wald: unknown family ({family!r}); use 'linear' or 'logit'."
            )
        raw = reg.model(self, formula, by, family, caller="RepDesign.wald")
        table = self._finish(raw, 0.95, p_value=True)
        wanted = [terms] if isinstance(terms, str) else list(terms)
        names = raw.keys["term"].astype(str)
        labels = names.str.replace(r"\[[^\]]*\]", "", regex=True)
        unknown = [t for t in wanted if not ((labels == t) | (names == t)).any()]
        if unknown:
            raise KeyError(
                f"RepDesign.wald: terms {unknown} are not in the model {formula!r}; its "
                f"terms are {sorted(set(labels) - {'(Intercept)'})}."
            )
        tested = (labels.isin(wanted) | names.isin(wanted)).to_numpy()
        group_cols = [c for c in raw.keys.columns if c not in ("variable", "term")]
        groups = (
            raw.keys.groupby(group_cols, sort=False).ngroup()
            if group_cols
            else pd.Series(0, index=raw.keys.index)
        )
        rows = []
        for g in pd.unique(groups):
            idx = np.flatnonzero((groups == g).to_numpy() & tested)
            cov = covariance(raw.theta[idx], self._scale, self._rscales, self._mse, self._pv_rule)
            b = table["estimate"].to_numpy()[idx]
            q = idx.size
            f_stat = float(b @ np.linalg.solve(cov, b)) / q
            ddf = float(table["df"].to_numpy()[idx].min()) if df is None else float(df)
            first = raw.keys.iloc[idx[0]]
            row = {c: first[c] for c in group_cols}
            row |= {
                "variable": first["variable"],
                "term": " + ".join(wanted),
                "statistic": f_stat,
                "df_num": q,
                "df": ddf,
                "p_value": f_sf(f_stat, q, ddf),
                "n": int(raw.n[idx[0]]),
            }
            rows.append(row)
        return pd.DataFrame(rows)
