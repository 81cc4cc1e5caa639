"""A deliberately small model-formula parser for :meth:`RepDesign.regress` and ``logit``.

Grammar: ``outcome ~ term + term + ...`` where a term is a column (or PV) name, or
``C(name)`` for a categorical predictor with treatment coding (first sorted level is the
reference), and ``- 1`` / ``+ 0`` drops the intercept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Formula", "parse_formula"]

_NAME = r"[A-Za-z_][A-Za-z0-9_.]*"
_CAT = re.compile(rf"^C\(\s*({_NAME})\s*\)$")


@dataclass(frozen=True)
class Formula:
    """Parsed formula: outcome, predictor terms as (name, categorical), intercept flag."""

    outcome: str
    terms: tuple[tuple[str, bool], ...]
    intercept: bool

    @property
    def variables(self) -> list[str]:
        """All variable names used (outcome first)."""
        return [self.outcome] + [name for name, _ in self.terms]


def parse_formula(formula: str, *, caller: str) -> Formula:
    """Parse ``formula``; raise ValueError naming ``caller`` on anything unsupported."""
    if not isinstance(formula, str) or formula.count("~") != 1:
        raise ValueError(
            f"{caller}: formula must be one string with one '~' ({formula!r}); "
            "write e.g. 'math ~ books + female'."
        )
    lhs, rhs = (s.strip() for s in formula.split("~"))
    if not re.fullmatch(_NAME, lhs):
        raise ValueError(
            f"{caller}: the outcome must be a single column or PV name ({lhs!r}); "
            "derive transformed outcomes as new columns first."
        )
    intercept = True
    terms: list[tuple[str, bool]] = []
    rhs = re.sub(r"\s+", "", rhs)
    for sign, tok in re.findall(r"([+-]?)([^+-]+)", rhs):
        if tok in ("0", "1"):
            if tok == "0" or sign == "-":
                intercept = False
            continue
        if sign == "-":
            raise ValueError(f"{caller}: cannot remove term {tok!r} ({formula!r}); drop it.")
        cat = _CAT.match(tok)
        if cat:
            terms.append((cat.group(1), True))
        elif re.fullmatch(_NAME, tok):
            terms.append((tok, False))
        else:
            raise ValueError(
                f"{caller}: unsupported term {tok!r} in {formula!r}; use column names and "
                "C(name) only (make interactions or transformations new columns)."
            )
    if not terms and not intercept:
        raise ValueError(f"{caller}: the formula has no terms ({formula!r}); add a predictor.")
    return Formula(lhs, tuple(terms), intercept)
