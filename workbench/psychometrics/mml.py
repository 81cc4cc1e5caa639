"""Two-parameter IRT models by marginal maximum likelihood, under the psychometrics name.

Serves the validity stage. The MML engine is :mod:`workbench.psychometrics.irt`;
:func:`twopl` is the name ``../shared/DESIGN.md`` gives researchers for its 2PL/GPCM call.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from workbench.psychometrics.irt import calibrate

__all__ = ["twopl"]


def twopl(responses: pd.DataFrame, *, items: Sequence[str] | pd.DataFrame | None = None, **options):
    """2PL for dichotomous items and the generalized partial credit model for polytomous ones.

    Parameters
    ----------
    responses
        Scores 0..K per item; ``NaN`` or ``7`` not administered, ``9`` omitted, ``6`` not
        reached (see :func:`workbench.psychometrics.calibrate` for the rules).
    items
        Item ids or an item table; default every column of ``responses``.
    **options
        Passed to :func:`workbench.psychometrics.calibrate` (``omitted``, ``not_reached``,
        ``se``...).

    Returns
    -------
    workbench.psychometrics.Calibration
        ``.table()``: ``item_id, model, a, b, ..., se_a, se_b, rmsd``.

    Notes
    -----
    Checked against: the MML engine's own tests (brute-force likelihood, eRm CML for the
    1PL case, recovery of the synthetic nation's items; ``tests/test_scaling_*.py``).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> theta = rng.normal(size=(2000, 1))
    >>> b = np.array([-1.0, 0.0, 1.0, 0.5])
    >>> x = (rng.random((2000, 4)) < 1 / (1 + np.exp(-(theta - b)))).astype(float)
    >>> fit = twopl(pd.DataFrame(x, columns=["i1", "i2", "i3", "i4"]), se=False)
    >>> bool(np.corrcoef(fit.table()["b"], b)[0, 1] > 0.98)
    True
    """
    ids = list(responses.columns) if items is None else items
    return calibrate(responses, items=ids, model="2PL", **options)
