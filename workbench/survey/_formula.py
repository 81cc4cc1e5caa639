"""A small model-formula parser for :meth:`RepDesign.regress`, ``logit``, ``wald``, ``r_squared``.

Grammar (R's, restricted): ``outcome ~ term + term + ...`` where a term is a factor or an
interaction of factors joined by ``:``; ``a * b`` expands to ``a + b + a:b`` (and
``a * b * c`` to all main effects and interactions). A factor is a column (or PV) name, or
``C(name)`` for a categorical predictor with treatment contrasts (first sorted level is the
reference, as R's ``factor()`` default). ``- 1`` / ``+ 0`` drops the intercept. Terms are
ordered as R orders them: by the number of factors, then as written.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

__all__ = ["Formula", "parse_formula"]

_NAME = r"[A-Za-z_][A-Za-z0-9_.]*"
_CAT = re.compile(rf"^C\(\s*({_NAME})\s*\)$")

Factor = tuple[str, bool]  # (column or PV name, categorical)
Term = tuple[Factor, ...]


@dataclass(frozen=True)
class Formula:
    """Parsed formula: outcome, terms (each a tuple of (name, categorical) factors), intercept."""

    outcome: str
    terms: tuple[Term, ...]
    intercept: bool

    @property
    def variables(self) -> list[str]:
        """All variable names used (outcome first, each once)."""
        names = [self.outcome]
        for term in self.terms:
            names += [name for name, _ in term if name not in names]
        return names

    @staticmethod
    def label(term: Term) -> str:
        """R-style term label: ``C(lang):female``."""
        return ":".join(f"C({n})" if cat else n for n, cat in term)


def _factor(tok: str, formula: str, caller: str) -> Factor:
    cat = _CAT.match(tok)
    if cat:
        return (cat.group(1), True)
    if re.fullmatch(_NAME, tok):
        return (tok, False)
    raise ValueError(
        f"{caller}: unsupported term {tok!r} in {formula!r}; use column names, C(name), "
        "a:b and a*b only (make transformations new columns)."
    )


def _expand(tok: str, formula: str, caller: str) -> list[Term]:
    """One '+'-separated token -> its terms (``a*b`` -> a, b, a:b)."""
    parts = [[_factor(f, formula, caller) for f in p.split(":")] for p in tok.split("*")]
    terms: list[Term] = []
    for size in range(1, len(parts) + 1):
        for combo in itertools.combinations(parts, size):
            factors: list[Factor] = []
            for part in combo:
                factors += [f for f in part if f not in factors]
            terms.append(tuple(factors))
    return terms


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
    terms: list[Term] = []
    rhs = re.sub(r"\s+", "", rhs)
    if not rhs:
        raise ValueError(f"{caller}: the formula has no terms ({formula!r}); add a predictor.")
    for sign, tok in re.findall(r"([+-]?)([^+-]+)", rhs):
        if tok in ("0", "1"):
            if tok == "0" or sign == "-":
                intercept = False
            continue
        if sign == "-":
            raise ValueError(f"{caller}: cannot remove term {tok!r} ({formula!r}); drop it.")
        for term in _expand(tok, formula, caller):
            if not any(set(term) == set(t) for t in terms):
                terms.append(term)
    if not terms and not intercept:
        raise ValueError(f"{caller}: the formula has no terms ({formula!r}); add a predictor.")
    terms.sort(key=len)  # stable: R puts main effects before interactions
    _check_marginality(terms, formula, caller)
    return Formula(lhs, tuple(terms), intercept)


def _check_marginality(terms: list[Term], formula: str, caller: str) -> None:
    """An interaction with C(x) needs the term without C(x) (R would change the coding)."""
    for term in terms:
        if len(term) < 2:
            continue
        for f in term:
            if not f[1]:
                continue
            rest = set(term) - {f}
            if not any(set(t) == rest for t in terms) or not any(t == (f,) for t in terms):
                raise ValueError(
                    f"{caller}: interaction {Formula.label(term)!r} in {formula!r} needs the "
                    f"terms it contains ({Formula.label((f,))} and "
                    f"{Formula.label(tuple(rest))}); write it with '*', e.g. "
                    f"{Formula.label((f,))}*{Formula.label(tuple(rest))}."
                )
