"""Proposals to correct the method for the next cycle (§26.5), drafted from the evidence.

Each proposal names the evidence (which table, which figure, which target) and a proposed
change, in ky/ru/en, with ``status = "draft"`` for the researchers to accept or edit. The
checks, in order:

* **participation** below the thresholds (IEA: schools 85 % before replacement, students
  85 %, overall 75 %) → more replacement schools, follow-up sessions;
* **precision**: reporting groups whose mean's SE exceeds the cycle's ``max_se`` →
  a larger sample (or explicit stratum) in that domain;
* **items** dropped by the validity stage, or flagged for DIF (ETS class C) → revise or
  replace the items before the next cycle;
* **invariance**: scales that failed measurement invariance (when the validity stage wrote a
  table with a ``passed`` / ``invariant`` column) → revise the scale;
* **coder agreement** below the target → retrain coders, revise the scoring guide.

An evidence table that is absent is listed as ``not checked`` (never silently skipped).

Examples
--------
>>> import pandas as pd
>>> part = pd.DataFrame({"school_before_replacement": [0.80], "student": [0.9],
...                      "overall_before_replacement": [0.72]})
>>> p = propose({"participation_summary": part}, lang="en")
>>> p.loc[p["status"] == "draft", "figure"].tolist()
['80.0 % < 85 %', '72.0 % < 75 %']
>>> p.loc[p["status"] == "draft", "figure_ru"].tolist()
['80,0 % < 85 %', '72,0 % < 75 %']
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pandas as pd

from workbench.labels import LANGS, label
from workbench.report import format_number

__all__ = ["propose", "THRESHOLDS", "COLUMNS", "PER_LANGUAGE"]

#: IEA participation thresholds (shares)
THRESHOLDS = {
    "school_before_replacement": 0.85,
    "student": 0.85,
    "overall_before_replacement": 0.75,
}
#: shown per language (``<column>_ky``, ``_ru``, ``_en``; ``<column>``: the one of ``lang``)
PER_LANGUAGE = ("subject", "figure", "target", "proposal")
COLUMNS = [
    "check",
    "evidence",
    *(f"{column}_{lg}" for column in PER_LANGUAGE for lg in LANGS),
    *PER_LANGUAGE,
    "status",
]

_TEXT = {
    "participation": (
        "{subject}: катышуу {figure}. Кийинки циклде ар бир мектепке 2 алмаштыруучу мектеп "
        "калтырып, катышпаган окуучулар үчүн кошумча сессия өткөрүү сунушталат.",
        "{subject}: участие {figure}. В следующем цикле предлагается держать по 2 школы "
        "замены и проводить дополнительную сессию для отсутствовавших учащихся.",
        "{subject}: participation {figure}. For the next cycle: keep two replacement schools "
        "per sampled school and hold a make-up session for absent students.",
    ),
    "precision": (
        "«{subject}» тобу: орточонун SE {figure}. Бул тайпада тандоону көбөйтүү (же аны өзүнчө "
        "страта кылуу) сунушталат.",
        "Группа «{subject}»: SE среднего {figure}. Предлагается увеличить выборку в этой "
        "группе (или выделить её в отдельную страту).",
        "Group '{subject}': SE of the mean {figure}. Enlarge the sample in this group (or make "
        "it an explicit stratum).",
    ),
    "item_dropped": (
        "{subject} тапшырмасы алынып салынды ({figure}). Аны кайра карап чыгуу же алмаштыруу "
        "сунушталат.",
        "Задание {subject} исключено ({figure}). Предлагается переработать или заменить его.",
        "Item {subject} was dropped ({figure}). Revise or replace it.",
    ),
    "item_dif": (
        "{subject} тапшырмасында DIF ({figure}). Которуусун жана мазмунун текшерүү сунушталат.",
        "Задание {subject}: DIF ({figure}). Предлагается проверить перевод и содержание.",
        "Item {subject} shows DIF ({figure}). Check its translation and content.",
    ),
    "invariance": (
        "«{subject}» шкаласы инварианттуулук текшерүүсүнөн өткөн жок ({figure}). Шкаланы кайра "
        "иштеп чыгуу сунушталат.",
        "Шкала «{subject}» не прошла проверку инвариантности ({figure}). Предлагается "
        "переработать шкалу.",
        "Scale '{subject}' failed the invariance check ({figure}). Revise the scale.",
    ),
    "coders": (
        "{subject} тапшырмасы: коддоочулардын макулдугу {figure}. Коддоочуларды кайра окутуу "
        "жана баалоо колдонмосун тактоо сунушталат.",
        "Задание {subject}: согласие кодировщиков {figure}. Предлагается переобучить "
        "кодировщиков и уточнить руководство по оцениванию.",
        "Item {subject}: coder agreement {figure}. Retrain the coders and clarify the scoring "
        "guide.",
    ),
    "none": (
        "Бул текшерүү боюнча сунуш жок: баары максатка жетти.",
        "По этой проверке предложений нет: все показатели достигли цели.",
        "No proposal from this check: every figure meets its target.",
    ),
    "absent": (
        "Далил таблицасы жок ({subject}): текшерилген жок.",
        "Таблицы свидетельств нет ({subject}): не проверено.",
        "No evidence table ({subject}): not checked.",
    ),
}


def propose(
    evidence: Mapping[str, pd.DataFrame | None],
    *,
    lang: str,
    max_se: float = 10.0,
    agreement_target: float = 0.85,
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Draft the method proposals from the cycle's quality tables.

    Parameters
    ----------
    evidence
        Catalog tables by name: ``participation_summary``, ``results_distribution``,
        ``item_verdicts``, ``dif_results``, ``coder_agreement`` (items as ``item_id``) and
        optionally ``invariance``; ``None`` or absent: reported as not checked.
    lang
        Language of the ``proposal`` column (all three are kept).
    max_se, agreement_target, thresholds
        The targets (the results and validity stages' parameters, IEA's participation).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`: one row per proposal, plus one row per check that found nothing
        (``status = "no proposal"``) or could not run (``status = "not checked"``).

    Checked against
    ---------------
    Planted shortfalls (participation 80 %, SE 12, a dropped item, DIF class C, agreement
    0.70) each give one proposal with its figure; ``tests/test_release_register.py``.
    """
    if lang not in LANGS:
        raise ValueError(f"propose: unknown language {lang!r}; use one of {', '.join(LANGS)}.")
    thresholds = {**THRESHOLDS, **(thresholds or {})}
    rows: list[dict] = []

    def add(check, table, subject, figure, target, key, status="draft"):
        """``subject``, ``figure``, ``target``: text, or a function of the language."""
        shown = {
            lg: {
                "subject": _in(subject, lg),
                "figure": "" if key == "none" else _in(figure, lg),  # the words say it
                "target": _in(target, lg),
            }
            for lg in LANGS
        }
        for lg in LANGS:
            shown[lg]["proposal"] = _TEXT[key][LANGS.index(lg)].format(**shown[lg])
        rows.append(
            {
                "check": check,
                "evidence": table,
                **{f"{c}_{lg}": shown[lg][c] for c in PER_LANGUAGE for lg in LANGS},
                **{c: shown[lang][c] for c in PER_LANGUAGE},
                "status": status,
            }
        )

    def absent(check, table):
        subject = partial(_label, f"release_evidence_{table}")
        add(check, table, subject, "", "", "absent", status="not checked")

    def none(check, table):
        add(check, table, "", "", "", "none", status="no proposal")

    part = evidence.get("participation_summary")
    if part is None or not len(part):
        absent("participation", "participation_summary")
    else:
        found = 0
        for rate, target in thresholds.items():
            if (
                rate in part.columns
                and pd.notna(part[rate].iloc[0])
                and float(part[rate].iloc[0]) < target
            ):
                value = float(part[rate].iloc[0])
                add(
                    "participation",
                    "participation_summary",
                    partial(_label, rate),
                    partial(_below, 100 * value, 100 * target, " %"),
                    partial(_percent, 100 * target),
                    "participation",
                )
                found += 1
        if not found:
            none("participation", "participation_summary")
    dist = evidence.get("results_distribution")
    if dist is None or not len(dist):
        absent("precision", "results_distribution")
    else:
        means = dist[(dist["statistic"] == "mean") & (dist["se"] > max_se)]
        for row in means.itertuples(index=False):
            add(
                "precision",
                "results_distribution",
                partial(_group, row.group_var, row.group),
                partial(_above, row.se, max_se),
                partial(_se_target, max_se),
                "precision",
            )
        if means.empty:
            none("precision", "results_distribution")
    verdicts = evidence.get("item_verdicts")
    if verdicts is None or not len(verdicts):
        absent("items", "item_verdicts")
    else:
        dropped = verdicts[verdicts["verdict"] == "drop"]
        for row in dropped.itertuples(index=False):
            add(
                "items",
                "item_verdicts",
                row.item_id,
                partial(_codes, str(row.reasons or "drop")),
                partial(_label, "keep"),
                "item_dropped",
            )
        if dropped.empty:
            none("items", "item_verdicts")
    dif = evidence.get("dif_results")
    if dif is None or not len(dif):
        absent("dif", "dif_results")
    else:
        flagged = dif[(dif.get("ets_class") == "C") | dif.get("flagged", False)]
        for row in flagged.itertuples(index=False):
            add(
                "dif",
                "dif_results",
                _item_of(row),
                partial(_dif, row.comparison, row.focal, row.reference, row.ets_class, row.d_dif),
                "ETS A/B",
                "item_dif",
            )
        if flagged.empty:
            none("dif", "dif_results")
    invariance = evidence.get("invariance")
    if invariance is None or not len(invariance):
        absent("invariance", "invariance")
    else:
        passed = next((c for c in ("passed", "invariant") if c in invariance.columns), None)
        failed = invariance[~invariance[passed].astype(bool)] if passed else invariance.iloc[:0]
        for row in failed.to_dict("records"):
            add(
                "invariance",
                "invariance",
                partial(_label, str(row.get("scale", row.get("variable", "")))),
                partial(_label, str(row.get("level", row.get("model", "failed")))),
                partial(_label, "invariant"),
                "invariance",
            )
        if failed.empty:
            none("invariance", "invariance")
    coders = evidence.get("coder_agreement")
    if coders is None or not len(coders):
        absent("coders", "coder_agreement")
    else:
        low = coders[coders["exact_agreement"] < agreement_target]
        for row in low.itertuples(index=False):
            add(
                "coders",
                "coder_agreement",
                _item_of(row),
                partial(_below, 100 * row.exact_agreement, 100 * agreement_target, " %"),
                partial(_percent, 100 * agreement_target),
                "coders",
            )
        if low.empty:
            none("coders", "coder_agreement")
    return pd.DataFrame(rows, columns=COLUMNS)


# ----------------------------------------------------------------------------- helpers
def _in(text, lang: str) -> str:
    """A text, or a function of the language giving it."""
    return str(text(lang)) if callable(text) else str(text)


def _item_of(row) -> str:
    """The item id of a DIF or coder-agreement row (``item_id``; ``item`` in tables stored
    before the vocabulary was unified)."""
    return str(getattr(row, "item_id", None) or row.item)


def _label(key: str, lang: str) -> str:
    return label(key, lang)


def _plain(value: float, lang: str) -> str:
    """A number with as many decimals as it has (``10``, ``7,5`` in ky/ru)."""
    shown = f"{float(value):g}"
    return format_number(float(value), lang, len(shown.split(".")[1]) if "." in shown else 0)


def _below(value: float, target: float, unit: str, lang: str) -> str:
    """``80.0 % < 85 %`` in the language's number conventions."""
    return f"{format_number(value, lang, 1)}{unit} < {_plain(target, lang)}{unit}"


def _above(value: float, limit: float, lang: str) -> str:
    return f"{format_number(value, lang, 1)} > {_plain(limit, lang)}"


def _percent(value: float, lang: str) -> str:
    return f"{_plain(value, lang)} %"


def _se_target(limit: float, lang: str) -> str:
    return f"SE ≤ {_plain(limit, lang)}"


def _group(variable: str, group: str, lang: str) -> str:
    return f"{label(variable, lang)}: {label(group, lang)}"


def _codes(codes: str, lang: str) -> str:
    """Reason codes joined by ``;`` shown as their labels."""
    return "; ".join(label(code.strip(), lang) for code in codes.split(";") if code.strip())


def _dif(comparison, focal, reference, ets_class, d_dif: float, lang: str) -> str:
    return (
        f"{label(comparison, lang)} {label(focal, lang)}/{label(reference, lang)}: "
        f"ETS {ets_class}, Δ = {format_number(float(d_dif), lang, 2)}"
    )
