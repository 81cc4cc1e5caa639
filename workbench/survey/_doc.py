"""Shared docstring example of the survey engine (stage: results & comparative analysis)."""

from __future__ import annotations

__all__ = ["example"]

EXAMPLE = [
    ">>> import pandas as pd",
    ">>> from workbench.survey import RepDesign",
    '>>> df = pd.DataFrame({"w": [1.0, 1, 2, 2], "r1": [2.0, 0, 2, 2], "r2": [1.0, 1, 4, 0],',
    '...                    "g": [0, 0, 1, 1], "y": [1.0, 2, 3, 5]})',
    '>>> d = RepDesign(df, weight="w", replicates="r*", method="JK2")',
]


def example(obj):
    """Expand a ``{example}`` line in a docstring into the shared tiny design."""
    lines = []
    for line in (obj.__doc__ or "").splitlines():
        if line.strip() == "{example}":
            indent = line[: len(line) - len(line.lstrip())]
            lines += [indent + ex for ex in EXAMPLE]
        else:
            lines.append(line)
    obj.__doc__ = "\n".join(lines)
    return obj
