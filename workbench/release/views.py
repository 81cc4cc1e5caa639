"""What the release stage's report shows: its tables as codes, free text per language.

Each view takes a table the stage saved and returns the frame notebook ``80_release`` hands
to :func:`workbench.report.table`: codes stay codes (labelled on each language's page),
text that only exists as words is given per language as ``<column>_ky``, ``_ru``, ``_en``
(the table's ``localized=``), identifiers stay as they are (its ``codes=``).

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame({"tier": ["public"], "file": ["student_results"],
...                     "step": ["r2 2.1 suppress"], "variable": ["region, ITSEX"],
...                     "action": ["suppress"], "rule": ["k = 10"], "values_changed": [4]})
>>> view = disclosure_view(log)
>>> view[["release_round", "step", "variable_ru"]].values.tolist()
[[2, '2.1', 'Область / город, Пол']]
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from workbench.labels import LANGS, cycle_title, label
from workbench.paths import PROJECT_ROOT

__all__ = [
    "disclosure_summary",
    "disclosure_view",
    "largest_difference",
    "codebook_view",
    "summary_view",
    "followup_view",
    "proposals_view",
    "draft_count",
    "cycle_titles",
]

_STEP = r"^(?:r(?P<round>\d+)\s+)?(?P<number>\d+(?:\.\d+)*)?\s*(?P<words>.*)$"


def disclosure_summary(disclosure: pd.DataFrame) -> dict[str, int]:
    """The public student file after disclosure control: ``k_after`` (the smallest group of
    quasi-identifier values) and ``changed`` (values changed in both public files).

    Examples
    --------
    >>> log = pd.DataFrame({"step": ["4 after", "4 after", "r1 carry"],
    ...                     "file": ["student_results", "school_results", "student_results"],
    ...                     "k_after": [10, 3, 5], "values_changed": [30, 6, 2]})
    >>> disclosure_summary(log)
    {'k_after': 10, 'changed': 36}
    """
    after = disclosure[disclosure["step"] == "4 after"]
    students = after[after["file"] == "student_results"]
    return {
        "k_after": int(students["k_after"].min()),
        "changed": int(after["values_changed"].sum()),
    }


def disclosure_view(disclosure: pd.DataFrame) -> pd.DataFrame:
    """The disclosure log as shown: round and step numbers (the step's words are its
    ``action``; a value blanked because the linked file blanks it: ``carry``), the variables
    labelled per language; the rule stays in the data."""
    parts = disclosure["step"].astype(str).str.extract(_STEP)
    out = disclosure.drop(columns=["rule", "step", "variable"])
    out["action"] = out["action"].where(parts["words"] != "carry", "carry")
    out.insert(2, "release_round", pd.to_numeric(parts["round"]).astype("Int64"))
    out.insert(3, "step", parts["number"].fillna(""))
    for lang in LANGS:
        out.insert(
            4 + LANGS.index(lang),
            f"variable_{lang}",
            disclosure["variable"].map(lambda v, x=lang: _variables(v, x)),
        )
    return out


def largest_difference(check: pd.DataFrame) -> float:
    """The largest difference, in mean or SE, between the released files and the published
    national figure (``release_check``)."""
    return float(check[["difference_estimate", "difference_se"]].max().max())


def codebook_view(codebook: pd.DataFrame, *, rows: int = 40) -> pd.DataFrame:
    """The first ``rows`` variables of the public files' codebook, labels per language."""
    public = codebook[codebook["tier"] == "public"].head(rows)
    counts = ["n_valid", "n_omitted", "n_not_reached", "n_sysmis"]
    out = public[["file", "variable"]].copy()
    for lang in LANGS:
        out[f"release_label_{lang}"] = public[f"label_{lang}"]
    for lang in LANGS:
        out[f"missing_codes_{lang}"] = public[f"missing_codes_{lang}"]
    return pd.concat([out, public[counts]], axis=1).reset_index(drop=True)


def summary_view(summary: pd.DataFrame) -> pd.DataFrame:
    """Recommendations per cycle and addressee, the cycle by its title in each language."""
    return _titled(summary)


def followup_view(report: pd.DataFrame, *, part: str = "all") -> pd.DataFrame:
    """The follow-up report as shown: the cycle by its title and the recommendation in each
    language (``recommendation_<lang>``) after its ID and addressee, the other columns as
    codes.

    ``part``: ``"all"`` (one table of 14 columns: at 1280 px it scrolls sideways in ky/ru),
    or the two tables a page shows: ``"recommendation"`` (cycle, ID, addressee, text,
    priority) and ``"followup"`` (ID, then due date, status, follow-ups, overdue, indicator
    before and after and the other columns).

    Examples
    --------
    >>> r = pd.DataFrame({"cycle": ["x"], "addressee": ["kao"], "id": ["X-1"],
    ...                   "priority": ["high"], "due": ["2026-06-01"], "recommendation": ["t"],
    ...                   "status": ["planned"], "overdue": [True], "recommendation_ky": ["т"],
    ...                   "recommendation_ru": ["т"], "recommendation_en": ["t"]})
    >>> followup_view(r, part="followup").columns.tolist()
    ['id', 'due', 'status', 'overdue']
    >>> len(followup_view(r, part="recommendation").columns), len(followup_view(r).columns)
    (9, 12)
    """
    texts = [f"recommendation_{lang}" for lang in LANGS]
    first = ["cycle", "id", "addressee", *texts]
    rest = [c for c in report.columns if c not in first and c != "recommendation"]
    if part == "recommendation":
        return _titled(report[[*first, *(c for c in _WHAT if c in report.columns)]])
    if part == "followup":
        return report[["id", *(c for c in rest if c not in _WHAT)]].reset_index(drop=True)
    if part != "all":
        raise ValueError(
            f"followup_view: part is 'all', 'recommendation' or 'followup' ({part!r} given)."
        )
    return _titled(report[first + rest])


#: the follow-up report's columns that say what was recommended (the first of its two tables)
_WHAT = ("priority",)


def proposals_view(proposals: pd.DataFrame) -> pd.DataFrame:
    """Method proposals as shown: check and evidence as codes, subject, figure, target and
    proposal per language (:data:`workbench.release.method.PER_LANGUAGE`)."""
    from workbench.release.method import PER_LANGUAGE

    shown = [f"{column}_{lang}" for column in PER_LANGUAGE for lang in LANGS]
    return proposals[["check", "evidence", *shown, "status"]].reset_index(drop=True)


def draft_count(proposals: pd.DataFrame) -> int:
    """How many proposals are drafts for the researchers (not ``no proposal`` or ``not
    checked``)."""
    return int((proposals["status"] == "draft").sum())


def cycle_titles(cycle: str, folder: Path | None = None) -> dict[str, str]:
    """The cycle's title in each language, from the parameter file naming it (``cycle:``) in
    ``parameters/``; the cycle id where none does.

    Examples
    --------
    >>> cycle_titles("sabat6-demo")["ru"]
    'Сабат-6 · демонстрационный цикл'
    >>> cycle_titles("no-such-cycle")["ky"]
    'no-such-cycle'
    """
    from workbench.params import ParamsError, read_yaml

    for path in sorted((folder or PROJECT_ROOT / "parameters").glob("*.y*ml")):
        try:
            raw = read_yaml(path)
        except ParamsError:
            continue
        if isinstance(raw, dict) and raw.get("cycle") == cycle:
            given = SimpleNamespace(
                title=raw.get("title"), cycle=cycle, language=raw.get("language", "")
            )
            return {lang: cycle_title(given, lang) for lang in LANGS}
    return dict.fromkeys(LANGS, cycle)


def _titled(table: pd.DataFrame) -> pd.DataFrame:
    """``cycle`` replaced by ``cycle_<lang>``: the cycle's title in each language."""
    titles = {c: cycle_titles(c) for c in table["cycle"].dropna().unique()}
    out = table.drop(columns="cycle")
    for position, lang in enumerate(LANGS):
        out.insert(position, f"cycle_{lang}", table["cycle"].map(lambda c, x=lang: titles[c][x]))
    return out


def _variables(listed: object, lang: str) -> str:
    """Variables listed with commas (``region, ITSEX``) shown as their labels."""
    if not isinstance(listed, str):
        return ""
    return ", ".join(label(name.strip(), lang) for name in listed.split(","))
