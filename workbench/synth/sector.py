"""The synthetic teacher-education sector: the embedded default of institution monitoring.

About 80 institutions (higher: bachelor/master programme groups 550100-550800; secondary
vocational: college specialities) in the oblasts, with staff records, enrolment and
graduation, graduate destinations at 6/12/18 months and the survey returns of students,
graduates, employers and staff (5-point Likert items, respondents answering in ky or ru,
realistic unit and item non-response). Everything follows from institution effects (one per
indicator group and year) that are written beside the data, with the finite-population truth
of every survey item and the planted faults, so tests can check recovery:

* ``planted["noninvariant_item"]``: one item read differently by ru respondents (an intercept
  shift), which the invariance analysis must flag;
* ``planted["failing_scale"]``: a scale whose items barely share a factor (must fail);
* ``planted["borderline"]``: an institution strong in half the groups and weak in the others,
  whose composite position must move with the weighting;
* ``planted["low_response"]``: institutions whose students hardly answered;
* ``planted["improvers"]``: institutions whose effects rise by ``improvement`` in the second
  year.

Examples
--------
>>> s = make_sector(3, institutions=12, years=(2025,))
>>> sorted(s.institutions["level"].unique()), s.planted["noninvariant_item"]
(['higher', 'vocational'], 'PRG3')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.synth.geography import REGIONS

__all__ = [
    "Sector",
    "make_sector",
    "write_survey_returns",
    "make_feedback",
    "PROGRAMMES",
    "SPECIALITIES",
    "GROUPS",
    "SCALES",
    "SHARED",
]

PROGRAMMES = {
    "550100": "Natural-science education",
    "550200": "Physics and mathematics education",
    "550300": "Philological education",
    "550400": "Social and economic education",
    "550500": "Technological education",
    "550600": "Arts education",
    "550700": "Pedagogy",
    "550800": "Vocational education",
}
#: Illustrative college specialities (the real list has 40+ codes).
SPECIALITIES = {
    "050701": "Preschool education",
    "050702": "Primary-school teaching",
    "050703": "Physical education",
    "050704": "Music education",
    "050705": "Technology teaching",
    "050706": "Foreign-language teaching",
    "050707": "Informatics teaching",
    "050708": "Vocational training",
}
GROUPS = (
    "programme_quality",
    "readiness",
    "staff_quality",
    "learning_base",
    "satisfaction",
    "employment",
)
#: scale -> (respondent, items, group whose effect drives it, loading)
SCALES = {
    "programme_view": (
        "students",
        ["PRG1", "PRG2", "PRG3", "PRG4", "PRG5"],
        "programme_quality",
        0.8,
    ),
    "resources": ("students", ["RES1", "RES2", "RES3", "RES4"], "learning_base", 0.8),
    "satisfaction": ("students", ["SAT1", "SAT2", "SAT3", "SAT4"], "satisfaction", 0.8),
    "readiness": ("graduates", ["RDY1", "RDY2", "RDY3", "RDY4", "RDY5"], "readiness", 0.8),
    "employer_view": ("employers", ["EMP1", "EMP2", "EMP3", "EMP4"], "satisfaction", 0.8),
    "conditions": ("staff", ["CND1", "CND2", "CND3", "CND4"], "learning_base", 0.8),
    "workload": ("staff", ["WRK1", "WRK2", "WRK3", "WRK4"], "satisfaction", 0.12),
}
#: scales also answered by other respondent types (the same items)
SHARED = {"satisfaction": ("graduates",)}
_CUTS = np.array([-1.6, -0.6, 0.4, 1.4])
_BORDERLINE_PROFILE = np.array([1.5, 1.5, -1.5, -1.5, 1.5, -1.5])


@dataclass(frozen=True, eq=False)
class Sector:
    """The synthetic sector (every table has a ``year`` or ``cohort`` column).

    Attributes
    ----------
    institutions
        ``year, institution, name, level, oblast, students, staff_n``.
    programmes
        ``year, institution, programme, level, students, accredited``.
    enrolment
        ``year, institution, programme, entrants, graduates`` (graduates this year of the
        cohort that entered ``entrants``).
    staff
        ``year, institution, staff_id, degree, pd_5y, experience``.
    destinations
        ``cohort, institution, programme, graduate_id, teaching_6m, teaching_12m,
        teaching_18m, in_region_12m`` (18 months NaN for the latest cohort: not yet seen).
    invited
        ``year, institution, programme, respondent, n_invited``: the survey populations.
    returns
        ``{respondent: DataFrame}``: ``year, institution, programme, respondent_id, lang``
        and the items (1-5, 9 = omitted), respondents only.
    effects
        ``year, institution, group, effect`` (the truth).
    truth_items
        ``year, institution, respondent, item, population_mean`` over everyone invited
        (answering or not), on the 1-5 scale, without the planted language shift.
    planted
        The planted cases (see the module docstring).
    """

    institutions: pd.DataFrame
    programmes: pd.DataFrame
    enrolment: pd.DataFrame
    staff: pd.DataFrame
    destinations: pd.DataFrame
    invited: pd.DataFrame
    returns: dict[str, pd.DataFrame]
    effects: pd.DataFrame
    truth_items: pd.DataFrame
    planted: dict = field(default_factory=dict)

    def admin(self, year: int) -> dict[str, pd.DataFrame]:
        """The administrative tables of one year (destinations: the cohort of ``year - 1``)."""
        out = {
            k: _rows(getattr(self, k), "year", year)
            for k in ("institutions", "programmes", "enrolment", "staff")
        }
        out["destinations"] = _rows(self.destinations, "cohort", year - 1)
        return out


def make_sector(
    seed: int,
    *,
    institutions: int = 80,
    years: tuple[int, ...] = (2025, 2026),
    higher_share: float = 0.45,
    improvement: float = 1.0,
    shift: float = 1.0,
) -> Sector:
    """Build the synthetic sector from one seed.

    Parameters
    ----------
    seed
        Every draw follows from it.
    institutions
        Number of institutions (at least 8).
    years
        Monitoring years; effects are kept from year to year except for the improvers.
    higher_share
        Share of higher institutions (the rest are colleges).
    improvement
        Planted rise of the improvers' effects in every later year (effect SD units).
    shift
        Planted intercept shift of the non-invariant item for ru respondents (latent units).

    Returns
    -------
    Sector

    Notes
    -----
    Checked by ``tests/test_synth_sector.py`` (sizes, planted cases, truth consistency).
    """
    if institutions < 8:
        raise ValueError(
            f"make_sector: institutions must be at least 8 ({institutions}); "
            "the pilot alone takes 4"
        )
    rng = np.random.default_rng(seed)
    inst = _institutions(rng, institutions, higher_share)
    base = _base_effects(rng, inst)
    planted = {
        "noninvariant_item": "PRG3",
        "noninvariant_scale": "programme_view",
        "failing_scale": "workload",
    }
    order = np.argsort(base.mean(axis=1))
    bi = int(order[len(order) // 2])
    base[bi] = _BORDERLINE_PROFILE
    planted["borderline"] = int(inst["institution"].iloc[bi])
    low = [int(inst["institution"].iloc[i]) for i in order[[3, len(order) - 4]]]
    planted["low_response"] = low
    cand = [
        i
        for i in rng.permutation(len(inst))
        if i != bi and int(inst["institution"].iloc[i]) not in low
    ]
    improvers = sorted(int(inst["institution"].iloc[i]) for i in cand[:5])
    planted["improvers"] = improvers
    parts: dict[str, list] = {
        k: []
        for k in (
            "institutions",
            "programmes",
            "enrolment",
            "staff",
            "destinations",
            "invited",
            "effects",
            "truth_items",
            "students",
            "graduates",
            "employers",
            "staff_survey",
        )
    }
    is_improver = inst["institution"].isin(improvers).to_numpy()
    for k, year in enumerate(years):
        eff = base + (improvement * k) * is_improver[:, None]
        _one_year(rng, inst, eff, year, low, shift, parts)
    cat = {k: pd.concat(v, ignore_index=True) for k, v in parts.items()}
    latest = cat["destinations"]["cohort"] == max(years) - 1  # 18 months not yet reached
    cat["destinations"].loc[latest, "teaching_18m"] = np.nan
    returns = {
        "students": cat["students"],
        "graduates": cat["graduates"],
        "employers": cat["employers"],
        "staff": cat["staff_survey"],
    }
    return Sector(
        cat["institutions"],
        cat["programmes"],
        cat["enrolment"],
        cat["staff"],
        cat["destinations"],
        cat["invited"],
        returns,
        cat["effects"],
        cat["truth_items"],
        planted,
    )


def write_survey_returns(
    sector: Sector,
    folder: str | Path,
    *,
    year: int,
    institutions: list[int] | None = None,
    faults: bool = True,
) -> pd.DataFrame:
    """Write one year's survey returns as the field agency delivers them.

    One CSV per institution and respondent type under ``<folder>/<respondent>/`` (every third
    institution in Windows-1251 with ``;``), plus, with ``faults``, planted problems: a Likert
    code out of range, a duplicated respondent id, an unknown institution code, an empty file
    and a file without the ``lang`` column.

    Returns
    -------
    DataFrame
        The planted faults: ``respondent, file, fault, rows`` (rows affected).
    """
    folder = Path(folder)
    planted = []
    for resp, data in sector.returns.items():
        d = folder / resp
        d.mkdir(parents=True, exist_ok=True)
        part = data[data["year"] == year]
        if institutions is not None:
            part = part[part["institution"].isin(institutions)]
        for n, (code, rows) in enumerate(part.groupby("institution", sort=True)):
            rows = rows.reset_index(drop=True)
            path = d / f"{year}_{code}.csv"
            if faults and n == 0 and len(rows) > 3:
                item = [c for c in rows.columns if c[:3].isupper() and c[-1].isdigit()][0]
                rows.loc[0, item] = 7
                rows.loc[2, "respondent_id"] = rows.loc[1, "respondent_id"]
                planted += [
                    (resp, path.name, "code_out_of_range", 1),
                    (resp, path.name, "duplicated_respondent_id", 2),
                ]
            if faults and n == 1 and len(rows) > 1:
                rows.loc[0, "institution"] = 9999
                planted.append((resp, path.name, "unknown_institution", 1))
            if n % 3 == 2:
                path.write_bytes(rows.to_csv(index=False, sep=";").encode("cp1251"))
            else:
                rows.to_csv(path, index=False, encoding="utf-8")
        if faults:
            (d / f"{year}_empty.csv").write_text("", encoding="utf-8")
            planted.append((resp, f"{year}_empty.csv", "empty_file", 0))
            head = part.head(3).drop(columns=["lang"])
            head.to_csv(d / f"{year}_nolang.csv", index=False, encoding="utf-8")
            planted.append((resp, f"{year}_nolang.csv", "missing_column_lang", len(head)))
    return pd.DataFrame(planted, columns=["respondent", "file", "fault", "rows"])


def _institutions(rng, n: int, higher_share: float) -> pd.DataFrame:
    n_high = max(2, round(n * higher_share))
    level = np.array(["higher"] * n_high + ["vocational"] * (n - n_high))
    weights = np.array([r.schools for r in REGIONS], float)
    oblast = rng.choice([r.code for r in REGIONS], size=n, p=weights / weights.sum())
    oblast[:2] = "bishkek"  # the big universities sit in the capital
    students = np.where(level == "higher", rng.integers(400, 2500, n), rng.integers(150, 900, n))
    ru_share = np.where(oblast == "bishkek", 0.55, np.where(oblast == "chui", 0.4, 0.15))
    codes = np.arange(101, 101 + n)
    names = [
        f"{'U' if lv == 'higher' else 'C'}{c}"
        for lv, c in zip(level, codes, strict=True)  # pseudonyms, no words:
    ]  # the same in ky/ru/en
    return pd.DataFrame(
        {
            "institution": codes,
            "name": names,
            "level": level,
            "oblast": oblast,
            "students": students,
            "ru_share": ru_share,
        }
    )


def _base_effects(rng, inst: pd.DataFrame) -> np.ndarray:
    common = rng.normal(size=(len(inst), 1))
    return 0.6 * common + 0.8 * rng.normal(size=(len(inst), len(GROUPS)))


def _one_year(rng, inst, eff, year, low, shift, parts) -> None:
    g = {name: eff[:, k] for k, name in enumerate(GROUPS)}
    for k, name in enumerate(GROUPS):
        parts["effects"].append(
            pd.DataFrame(
                {
                    "year": year,
                    "institution": inst["institution"],
                    "group": name,
                    "effect": eff[:, k],
                }
            )
        )
    progs, enrol, staff, dest, invited = [], [], [], [], []
    staff_n = []
    for i, row in inst.iterrows():
        code = int(row["institution"])
        pool = list(PROGRAMMES if row["level"] == "higher" else SPECIALITIES)
        local = np.random.default_rng([code, 7])  # offer is stable across years
        offer = sorted(local.choice(pool, size=local.integers(3, 7), replace=False))
        share = local.dirichlet(np.full(len(offer), 4.0))
        studs = np.maximum(20, np.round(row["students"] * share)).astype(int)
        acc = rng.random(len(offer)) < _logistic(1.0 + 1.2 * g["programme_quality"][i])
        progs.append(
            pd.DataFrame(
                {
                    "year": year,
                    "institution": code,
                    "programme": offer,
                    "level": row["level"],
                    "students": studs,
                    "accredited": acc.astype(int),
                }
            )
        )
        entrants = np.maximum(5, np.round(studs / 4)).astype(int)
        grads = rng.binomial(entrants, _logistic(1.3 + 0.5 * g["readiness"][i]))
        enrol.append(
            pd.DataFrame(
                {
                    "year": year,
                    "institution": code,
                    "programme": offer,
                    "entrants": entrants,
                    "graduates": grads,
                }
            )
        )
        n_staff = max(
            8, int(round(studs.sum() / np.exp(np.log(16) - 0.25 * g["staff_quality"][i])))
        )
        staff_n.append(n_staff)
        deg_base = -0.6 if row["level"] == "higher" else -2.0
        staff.append(
            pd.DataFrame(
                {
                    "year": year,
                    "institution": code,
                    "staff_id": [f"{code}-{j:04d}" for j in range(n_staff)],
                    "degree": (
                        rng.random(n_staff) < _logistic(deg_base + 0.7 * g["staff_quality"][i])
                    ).astype(int),
                    "pd_5y": (
                        rng.random(n_staff) < _logistic(1.2 + 0.7 * g["staff_quality"][i])
                    ).astype(int),
                    "experience": rng.integers(0, 40, n_staff),
                }
            )
        )
        dest.append(_destinations(rng, code, offer, grads, year - 1, g["employment"][i]))
        n_emp = int(rng.integers(8, 40))
        invited.append(
            pd.DataFrame(
                {
                    "year": year,
                    "institution": code,
                    "programme": list(offer) * 2 + ["", ""],
                    "respondent": ["students"] * len(offer)
                    + ["graduates"] * len(offer)
                    + ["employers", "staff"],
                    "n_invited": list(studs) + list(grads) + [n_emp, n_staff],
                }
            )
        )
    inst_year = inst.drop(columns=["ru_share"]).assign(year=year, staff_n=staff_n)
    parts["institutions"].append(
        inst_year[["year", "institution", "name", "level", "oblast", "students", "staff_n"]]
    )
    parts["programmes"].append(pd.concat(progs, ignore_index=True))
    parts["enrolment"].append(pd.concat(enrol, ignore_index=True))
    parts["staff"].append(pd.concat(staff, ignore_index=True))
    parts["destinations"].append(pd.concat(dest, ignore_index=True))
    inv = pd.concat(invited, ignore_index=True)
    parts["invited"].append(inv)
    _surveys(rng, inst, g, inv, year, low, shift, parts)


def _destinations(rng, code, offer, grads, cohort, effect) -> pd.DataFrame:
    prog = np.repeat(offer, grads)
    n = len(prog)
    t6 = rng.random(n) < _logistic(-0.1 + 0.6 * effect)
    t12 = t6 | (rng.random(n) < 0.25)
    t18 = t12 | (rng.random(n) < 0.15)
    region = rng.random(n) < _logistic(0.3 + 0.4 * effect)
    return pd.DataFrame(
        {
            "cohort": cohort,
            "institution": code,
            "programme": prog,
            "graduate_id": [f"G{cohort}-{code}-{j:05d}" for j in range(n)],
            "teaching_6m": t6.astype(int),
            "teaching_12m": t12.astype(int),
            "teaching_18m": t18.astype(float),
            "in_region_12m": (t12 & region).astype(int),
        }
    )


def _surveys(rng, inst, g, inv, year, low, shift, parts) -> None:
    target = {
        "students": "students",
        "graduates": "graduates",
        "employers": "employers",
        "staff": "staff_survey",
    }
    rate = {
        "students": (0.45, 0.15),
        "graduates": (0.35, 0.12),
        "employers": (0.6, 0.15),
        "staff": (0.75, 0.12),
    }
    for resp in ("students", "graduates", "employers", "staff"):
        scales = {s: v for s, v in SCALES.items() if v[0] == resp or resp in SHARED.get(s, ())}
        rows = inv[inv["respondent"] == resp]
        frames, truths = [], []
        for i, row in inst.iterrows():
            code = int(row["institution"])
            sub = rows[rows["institution"] == code]
            prog = np.repeat(sub["programme"].to_numpy(), sub["n_invited"].to_numpy())
            n = len(prog)
            if n == 0:
                continue
            lang = np.where(rng.random(n) < row["ru_share"], "ru", "ky")
            data = {
                "year": year,
                "institution": code,
                "programme": prog,
                "respondent_id": [f"{resp[:2].upper()}{year}-{code}-{j:05d}" for j in range(n)],
                "lang": lang,
            }
            for _, items, group, lam in scales.values():
                theta = 0.5 * g[group][i] + rng.normal(size=n)
                for item in items:
                    latent = lam * theta + rng.normal(scale=np.sqrt(1 - lam**2 * 0.5), size=n)
                    clean = 1 + np.searchsorted(_CUTS, latent)
                    truths.append((year, code, resp, item, float(clean.mean())))
                    if item == "PRG3":
                        latent = latent + shift * (lang == "ru")
                    data[item] = 1 + np.searchsorted(_CUTS, latent)
            frame = pd.DataFrame(data)
            mean, sd = rate[resp]
            p = (
                0.06
                if (resp == "students" and code in low)
                else float(np.clip(rng.normal(mean, sd), 0.1, 0.95))
            )
            frame = frame[rng.random(n) < p]
            items_all = [c for s in scales.values() for c in s[1]]
            omit = rng.random((len(frame), len(items_all))) < 0.03
            vals = frame[items_all].to_numpy().copy()
            vals[omit] = 9
            frame[items_all] = vals
            frames.append(frame)
        parts[target[resp]].append(pd.concat(frames, ignore_index=True))
        parts["truth_items"].append(
            pd.DataFrame(
                truths, columns=["year", "institution", "respondent", "item", "population_mean"]
            )
        )


def _rows(data: pd.DataFrame, column: str, value: int) -> pd.DataFrame:
    return data[data[column] == value].reset_index(drop=True)


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, float)))


_FEEDBACK = {
    "instruments": {
        "ky": "Анкетанын суроолору түшүнүктүү, бирок өтө узун.",
        "ru": "Вопросы анкеты понятны, но анкета слишком длинная.",
    },
    "timing": {
        "ky": "Сурамжылоо сессия учурунда өттү, студенттер аз катышты.",
        "ru": "Опрос пришёлся на сессию, студенты участвовали мало.",
    },
    "language": {
        "ky": "Кыргызча котормодо бир суроонун мааниси башкача окулат.",
        "ru": "В кыргызском переводе один вопрос читается иначе.",
    },
    "data_entry": {
        "ky": "Кадрлар боюнча маалыматты электрондук базага киргизүү кыйын болду.",
        "ru": "Внести кадровые данные в электронную базу было трудно.",
    },
    "usefulness": {
        "ky": "Натыйжалар программаны жакшыртууга пайдалуу.",
        "ru": "Результаты полезны для улучшения программы.",
    },
    "employers": {
        "ky": "Жумуш берүүчүлөрдү табуу жана сурамжылоо кыйын.",
        "ru": "Работодателей трудно найти и опросить.",
    },
}


def make_feedback(seed: int, institutions, *, per_institution: int = 6) -> pd.DataFrame:
    """Participants' feedback on the monitoring itself (the pilot's feedback database, §7).

    Returns
    -------
    DataFrame
        ``institution, participant, topic, rating`` (1-5: how well the step worked),
        ``lang, comment``.

    Examples
    --------
    >>> make_feedback(1, [101, 102], per_institution=2)["topic"].size
    4
    """
    rng = np.random.default_rng([seed, 17])
    topics = list(_FEEDBACK)
    who = ["student", "graduate", "employer", "staff", "coordinator"]
    rows = []
    for code in institutions:
        for _ in range(per_institution):
            topic = topics[rng.integers(len(topics))]
            lang = "ru" if rng.random() < 0.35 else "ky"
            rows.append(
                (
                    int(code),
                    who[rng.integers(len(who))],
                    topic,
                    int(rng.integers(2, 6)),
                    lang,
                    _FEEDBACK[topic][lang],
                )
            )
    return pd.DataFrame(
        rows, columns=["institution", "participant", "topic", "rating", "lang", "comment"]
    )
