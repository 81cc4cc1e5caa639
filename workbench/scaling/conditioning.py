"""Conditioning variables of the population model (stage: scaling).

NAEP/TIMSS/PIRLS practice: the reporting variables (gender, region, urban/rural, language of
instruction ...) enter the latent regression directly as dummies, so their group means and
gaps computed from plausible values are unbiased; the rest of the background questionnaire is
dummy-coded (missing responses get their own dummy) and summarized by its principal
components, keeping as many as explain a given share of its variance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Conditioning", "conditioning_variables", "category_words"]

#: codes read as a missing answer in questionnaire columns (IEA: 9 omitted, 99 omitted)
MISSING_ANSWERS = (9, 99, 999)


@dataclass(frozen=True)
class Conditioning:
    """Numeric conditioning variables, one row per student, and where each came from."""

    data: pd.DataFrame = field(repr=False)
    columns: tuple[str, ...]
    sources: pd.DataFrame = field(repr=False)
    explained: float
    direct: tuple[str, ...] = ()

    def table(self) -> pd.DataFrame:
        """``term, variable, category, source, variance_share``: each conditioning variable
        (``term``, e.g. ``region_osh_city``), the reporting variable and category it codes
        (``region``, ``osh_city``; a principal component is its own variable), and for
        principal components the share of the questionnaire variance it explains."""
        return self.terms(self.sources.rename(columns={"variable": "term"}))

    def terms(self, table: pd.DataFrame, column: str = "term") -> pd.DataFrame:
        """``table`` with its ``column`` of terms split into ``variable`` and ``category``, so
        a report labels both as codes (``region`` / ``osh_city``); a term that is no dummy of
        a direct variable (``intercept``, ``PC01``) is its own variable, with no category.

        Examples
        --------
        >>> c = Conditioning(pd.DataFrame(), (), pd.DataFrame(), 1.0, direct=("region",))
        >>> c.terms(pd.DataFrame({"term": ["intercept", "region_osh_city"]})).values.tolist()
        [['intercept', 'intercept', ''], ['region_osh_city', 'region', 'osh_city']]
        """
        parts = [self._split(str(term)) for term in table[column]]
        out = table.copy()
        at = out.columns.get_loc(column) + 1
        out.insert(at, "variable", [variable for variable, _ in parts])
        out.insert(at + 1, "category", [category for _, category in parts])
        return out

    def _split(self, term: str) -> tuple[str, str]:
        for variable in sorted(self.direct, key=len, reverse=True):
            if term.startswith(f"{variable}_"):
                return variable, term[len(variable) + 1 :]
        return term, ""

    def __repr__(self) -> str:
        n_pc = int((self.sources["source"] == "component").sum())
        return (
            f"Conditioning(n={len(self.data)}, variables={len(self.columns)}, "
            f"components={n_pc}, explained={self.explained:.2f})"
        )


def category_words(table: pd.DataFrame, *, words: dict | None = None) -> pd.DataFrame:
    """``table`` (``variable, category`` codes, from :meth:`Conditioning.terms`) with its
    ``category`` in words in each language, as ``category_ky, category_ru, category_en`` for
    ``wb.report.table(..., localized=("category",))``: the value label of a coded variable
    (``ITSEX`` 2: boy), what the package lacks from the cycle's codebooks (``words``:
    :func:`workbench.scaling.cycle_labels`); else the code's label (``osh_city``: Osh city);
    a code with neither is shown as it is; ``missing`` is the dummy of no answer.

    Examples
    --------
    >>> t = pd.DataFrame({"variable": ["ITSEX", "region", "PC01"],
    ...                   "category": ["2", "osh_city", ""]})
    >>> category_words(t)[["category_ru", "category_en"]].values.tolist()
    [['мальчик', 'boy'], ['г. Ош', 'Osh city'], ['', '']]
    """
    from workbench.labels import LANGS, label
    from workbench.report import code_label
    from workbench.scaling.analysis_file import value_labels

    def word(variable: object, category: object, lang: str) -> str:
        code = "" if pd.isna(category) else str(category)
        if code in ("", "missing"):
            return label("missing_answer", lang) if code else ""
        coded = {str(k): v for k, v in value_labels(str(variable), lang, words).items()}
        return coded.get(code) or code_label(code, lang)

    out = table.copy()
    at = out.columns.get_loc("category")
    categories = out.pop("category")
    for i, lang in enumerate(LANGS):
        out.insert(
            at + i,
            f"category_{lang}",
            [word(v, c, lang) for v, c in zip(out["variable"], categories, strict=True)],
        )
    return out


def conditioning_variables(
    data: pd.DataFrame,
    *,
    direct: Sequence[str],
    background: Sequence[str] = (),
    share: float = 0.9,
    max_components: int = 15,
    id: str | None = None,
) -> Conditioning:
    """Dummy-code the direct variables and add principal components of the background.

    Parameters
    ----------
    data
        One row per student.
    direct
        Categorical reporting variables, entered as dummies (first sorted category the
        reference; a missing value becomes its own category).
    background
        Questionnaire columns: integer codes with at most 12 distinct values are dummy-coded
        (codes 9/99/999 and NaN as a "missing" dummy); other numeric columns (scale scores)
        are standardized, missing values set to the mean with a missing-indicator dummy.
    share
        Keep the fewest principal components explaining at least this share of the
        standardized background variance (NAEP/TIMSS: 0.9) ...
    max_components
        ... but no more than this many.
    id
        Optional id column copied to ``.data``.

    Returns
    -------
    Conditioning
        ``.data`` (``[id]`` and the numeric columns, no missing values), ``.columns`` (their
        names, for :func:`latent_regression`), ``.table()`` (``term, variable, category,
        source, variance_share``), ``.explained`` (share of background variance kept).

    Checked against
    ---------------
    ``numpy.linalg.svd`` of the same matrix and recovery of group means through PVs;
    ``tests/test_scaling_conditioning.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": [1, 2, 1, 2], "q1": [1, 2, 3, 9], "q2": [1, 1, 2, 2]})
    >>> cond = conditioning_variables(df, direct=["sex"], background=["q1", "q2"], share=0.5)
    >>> cond.columns[0], cond.table()["source"].tolist()[:2]
    ('sex_2', ['direct', 'component'])
    """
    direct, background = list(direct), list(background)
    missing = [c for c in [*direct, *background, *([id] if id else [])] if c not in data]
    if missing:
        raise KeyError(
            f"conditioning_variables: columns {missing} are not in data (columns "
            f"{list(data.columns)[:10]}...); pass existing columns."
        )
    if not 0 < share <= 1 or max_components < 0:
        raise ValueError(
            f"conditioning_variables: share must be in (0, 1] and max_components "
            f">= 0 ({share!r}, {max_components!r} given); e.g. share=0.9."
        )
    parts = [_dummies(data[c], c) for c in direct]
    rows = [
        {"variable": n, "source": "direct", "variance_share": np.nan}
        for part in parts
        for n in part.columns
    ]
    explained = 1.0
    if background and max_components:
        matrix = pd.concat([_background(data[c], c) for c in background], axis=1)
        components, shares = _components(matrix.to_numpy(float), share, max_components)
        names = [f"PC{k + 1:02d}" for k in range(components.shape[1])]
        parts.append(pd.DataFrame(components, columns=names, index=data.index))
        rows += [
            {"variable": n, "source": "component", "variance_share": s}
            for n, s in zip(names, shares, strict=True)
        ]
        explained = float(np.sum(shares))
    out = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=data.index)
    if id:
        out.insert(0, id, data[id].to_numpy())
    columns = tuple(r["variable"] for r in rows)
    return Conditioning(
        out.reset_index(drop=True), columns, pd.DataFrame(rows), explained, tuple(direct)
    )


def _dummies(column: pd.Series, name: str) -> pd.DataFrame:
    values = column.astype("object").map(_code)
    levels = sorted(values.unique())
    return pd.DataFrame(
        {f"{name}_{v}": (values == v).astype(float) for v in levels[1:]}, index=column.index
    )


def _code(value: object) -> str:
    if pd.isna(value):
        return "missing"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _background(column: pd.Series, name: str) -> pd.DataFrame:
    numeric = pd.to_numeric(column, errors="coerce").astype(float)
    codes = numeric.dropna()
    categorical = len(codes.unique()) <= 12 and bool((codes == codes.round()).all())
    if categorical:
        return _dummies(numeric.where(~numeric.isin(MISSING_ANSWERS)).astype("Int64"), name)
    absent = numeric.isna()
    filled = numeric.fillna(numeric.mean() if codes.size else 0.0)
    out = pd.DataFrame({name: filled})
    if absent.any():
        out[f"{name}_missing"] = absent.astype(float)
    return out


def _components(matrix: np.ndarray, share: float, cap: int) -> tuple[np.ndarray, np.ndarray]:
    sd = matrix.std(axis=0)
    keep = sd > 1e-12
    z = (matrix[:, keep] - matrix[:, keep].mean(axis=0)) / sd[keep]
    if z.shape[1] == 0:
        return np.empty((len(matrix), 0)), np.empty(0)
    u, s, _ = np.linalg.svd(z, full_matrices=False)
    shares = s**2 / np.sum(s**2)
    k = min(int(np.searchsorted(np.cumsum(shares), share - 1e-12) + 1), cap, len(s))
    scores = u[:, :k] * np.sqrt(len(z))  # standardized component scores
    return scores, shares[:k]
