"""International context (stage: results, exhibit 6): the nation beside PIRLS 2021.

The national mean and the share at or above 400 (the PIRLS Low International Benchmark)
beside the PIRLS 2021 countries of ``../shared/reference/pirls2021_reading.csv`` (computed
by the authors of the R package intsvy from the IEA PIRLS 2021 International Database; the
means agree with IEA's Exhibit 1.3). Neighbours are highlighted. Unless the cycle's scale is
linked to PIRLS, the comparison is context, not a ranking: the report says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from workbench.paths import PROJECT_ROOT

__all__ = [
    "DEFAULT_FILE",
    "NEIGHBOURS",
    "SOURCE",
    "CAVEATS",
    "reference_path",
    "read_pirls",
    "international",
]

#: the PIRLS 2021 table, relative to the project root
DEFAULT_FILE = "../shared/reference/pirls2021_reading.csv"
#: countries highlighted by default
NEIGHBOURS = ("Kazakhstan", "Uzbekistan", "Russian Federation", "Georgia", "Azerbaijan", "Turkey")
#: citation printed under the figure
SOURCE = (
    "PIRLS 2021 reading, IEA PIRLS 2021 International Database; means, SEs and % at or "
    "above 400 computed with all five plausible values and the IEA jackknife by the "
    "authors of the R package intsvy (pirls.mean.pv, pirls.ben.pv; eldafani/intsvy, "
    "docs/pirls21.md); the means agree with IEA's Exhibit 1.3 after rounding."
)
#: the caveats of the file's README, keys of the texts in workbench/texts/results.yaml
CAVEATS = ("caveat_scale", "caveat_grade", "caveat_context", "caveat_participation")
_COLUMNS = ("country", "n", "mean", "se", "pct_at_or_above_400", "pct_at_or_above_400_se")


def reference_path(path: str | None) -> Path:
    """The PIRLS file: ``path`` (absolute, or relative to the project root) or the default.

    Examples
    --------
    >>> reference_path(None).name
    'pirls2021_reading.csv'
    """
    given = Path(path or DEFAULT_FILE)
    return given if given.is_absolute() else (PROJECT_ROOT / given).resolve()


def read_pirls(path: str | None = None) -> tuple[pd.DataFrame | None, str]:
    """Read the PIRLS 2021 table: ``(table, "")``, or ``(None, reason)`` if it cannot be used.

    A missing file or missing columns give ``None`` and a message naming the file and what
    to do, so the report shows a skipped panel with the reason instead of failing.
    """
    file = reference_path(path)
    if not file.exists():
        return None, (
            f"international: the PIRLS 2021 file {file} does not exist; put "
            "pirls2021_reading.csv there or set stages.results.pirls_file in the "
            "cycle's parameters."
        )
    table = pd.read_csv(file)
    absent = [c for c in _COLUMNS if c not in table.columns]
    if absent:
        return None, (
            f"international: {file} has no columns {absent}; expected the PIRLS 2021 "
            f"table with {', '.join(_COLUMNS)}."
        )
    return table, ""


def international(
    pirls: pd.DataFrame | None,
    design,
    *,
    country: str,
    variable: str = "reading",
    countries: Sequence[str] | None = None,
    neighbours: Sequence[str] = NEIGHBOURS,
    linked: bool = False,
) -> pd.DataFrame:
    """The nation's mean and % at or above 400 beside the PIRLS 2021 countries.

    Parameters
    ----------
    pirls
        :func:`read_pirls` table; ``None`` gives an empty table.
    design
        ``RepDesign`` of this cycle's student file.
    country
        Name of this cycle's row (e.g. "Kyrgyzstan (Sabat-6 2025)").
    countries
        PIRLS participants to show (default: all); the neighbours are always shown.
    neighbours
        Highlighted participants.
    linked
        Whether the cycle's scale is linked to PIRLS (kept in the ``linked`` column).

    Returns
    -------
    DataFrame
        ``country, source`` (``pirls2021`` or ``this_cycle``), ``neighbour, mean, se,
        pct_at_or_above_400, pct_at_or_above_400_se, n, linked``, sorted by mean
        (highest first).

    Raises
    ------
    ValueError
        If a named country is not in the PIRLS table.

    Checked against
    ---------------
    The 65 rows of the PIRLS 2021 file, the neighbours flagged, this cycle's mean and share
    from ``RepDesign``; ``tests/test_results_rules.py::test_international_panel_sits_beside_
    pirls_with_neighbours_highlighted``.
    """
    if pirls is None:
        return pd.DataFrame(
            columns=[
                "country",
                "source",
                "neighbour",
                "mean",
                "se",
                "pct_at_or_above_400",
                "pct_at_or_above_400_se",
                "n",
                "linked",
            ]
        )
    wanted = list(countries) if countries else list(pirls["country"])
    absent = [c for c in [*wanted, *neighbours] if c not in set(pirls["country"])]
    if absent:
        raise ValueError(
            f"international: countries {absent} are not in the PIRLS 2021 table; "
            f"names are e.g. {', '.join(pirls['country'].head(5))}."
        )
    keep = pirls[pirls["country"].isin(set(wanted) | set(neighbours))]
    table = keep[list(_COLUMNS)].assign(source="pirls2021")
    mean = design.mean(variable).iloc[0]
    above = design.percent_at_or_above(variable, [400]).iloc[0]
    own = pd.DataFrame(
        [
            {
                "country": country,
                "n": int(mean["n"]),
                "mean": mean["estimate"],
                "se": mean["se"],
                "pct_at_or_above_400": above["estimate"],
                "pct_at_or_above_400_se": above["se"],
                "source": "this_cycle",
            }
        ]
    )
    out = pd.concat([table, own], ignore_index=True)
    out["neighbour"] = out["country"].isin(set(neighbours))
    out["linked"] = bool(linked)
    out = out.sort_values("mean", ascending=False, kind="stable").reset_index(drop=True)
    return out[
        [
            "country",
            "source",
            "neighbour",
            "mean",
            "se",
            "pct_at_or_above_400",
            "pct_at_or_above_400_se",
            "n",
            "linked",
        ]
    ]
