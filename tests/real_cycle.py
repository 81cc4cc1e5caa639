"""Test helpers for a real cycle run through the forms: a cycle started by ``new_cycle`` on the
foreign register of :mod:`tests.real_register`, an item bank as a researcher would give it,
and the class listing forms filled in as the sampled schools would (some as Excel forms,
some as one CSV, one school declining and its replacement answering).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import yaml

from tests.real_register import COLUMNS, STRATA, write_register_xlsx

__all__ = ["start_cycle", "fill_listing_forms", "make_delivery", "ITEM_BANK"]

#: a small item bank (two blocks, one booklet each way), keys and schemes as a researcher types
ITEM_BANK = """\
items:
  - {item_id: L101, block: 1, type: MC, max_score: 1, key: A, process: retrieve}
  - {item_id: L102, block: 1, type: CR, max_score: 2, scheme: 0-1-2, process: interpret}
  - {item_id: L103, block: 1, type: MC, max_score: 1, key: C, process: infer}
  - {item_id: L201, block: 2, type: MC, max_score: 1, key: D, process: retrieve}
  - {item_id: L202, block: 2, type: CR, max_score: 1, process: evaluate}
booklets:
  - {booklet: 1, blocks: 1+2}
  - {booklet: 2, blocks: [2, 1]}
codebooks:
  - {questionnaire: student, variable: ASBG01, label: Пол, codes: "1=девочка; 2=мальчик"}
"""


def start_cycle(
    name: str, folder: Path, *, schools: int = 300, n_schools: int = 60, evaluation_reps: int = 50
) -> tuple[Path, dict]:
    """``new_cycle`` + the foreign register in ``inputs/<name>/register/`` + the item bank;
    returns the parameter file and the register's truth."""
    from workbench.newcycle import new_cycle
    from workbench.paths import inputs_dir

    made = new_cycle(name, language="ru", year=2026, parameters=folder)
    raw = yaml.safe_load(made.params.read_text(encoding="utf-8"))
    raw["data"]["register"]["columns"] = COLUMNS
    raw["stages"]["sample_design"].update(
        strata=STRATA[:1],
        sort_by=[STRATA[1], "enrol_g6"],
        n_schools=n_schools,
        minimum=1,
        evaluation_reps=evaluation_reps,
        domain_reps=20,
    )
    made.params.write_text(
        yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    truth = write_register_xlsx(inputs_dir(name) / "register" / "register.xlsx", schools=schools)
    (inputs_dir(name) / "instruments" / "instruments.yaml").write_text(ITEM_BANK, encoding="utf-8")
    return made.params, truth


def fill_listing_forms(
    forms: Path, lists: Path, sample: pd.DataFrame, *, declining: int = 1
) -> pd.DataFrame:
    """Return the class lists of the sampled schools as the schools would: the first half as
    filled Excel forms (alternately the ky and ru sheet), the rest in one CSV; the first
    ``declining`` sampled schools write 0 students and their first replacement answers. A
    school's register enrolment (``mos``) is split into classes of about 25 (sizes differing
    by at most one, at most 15 classes): what the weights must add up to.

    Returns the classes written (``IDSCHOOL, CLASS_NAME, N_STUDENTS``): the truth to check.
    """
    sampled = sample[sample["role"] == "sampled"].reset_index(drop=True)
    first = sample[sample["role"] == "replacement_1"].set_index("REPLACES")["IDSCHOOL"]
    declined = set(sampled.loc[sampled["IDSCHOOL"].isin(first.index), "IDSCHOOL"].head(declining))
    answering = [*sampled["IDSCHOOL"], *[first[i] for i in sorted(declined)]]
    written, csv_rows = [], []
    for k, school in enumerate(answering):
        if school in declined:
            lines = [("", 0)]
        else:
            enrol = int(sample.loc[sample["IDSCHOOL"] == school, "mos"].iloc[0])
            count = min(15, max(1, round(enrol / 25)))
            sizes = [enrol // count + (j < enrol % count) for j in range(count)]
            lines = [(f"6{'АБВГДЕЖЗИКЛМНОП'[j]}", n) for j, n in enumerate(sizes)]
            written += [(school, name, n) for name, n in lines]
        if k < len(sampled) // 2:
            _fill(
                forms / f"{school}.xlsx",
                lists / f"{school}.xlsx",
                lines,
                sheet="ky" if k % 2 else "ru",
            )
        else:
            csv_rows += [(school, name, n) for name, n in lines]
    pd.DataFrame(csv_rows, columns=["IDSCHOOL", "CLASS_NAME", "N_STUDENTS"]).to_csv(
        lists / "returned.csv", index=False, encoding="utf-8"
    )
    return pd.DataFrame(written, columns=["IDSCHOOL", "CLASS_NAME", "N_STUDENTS"])


def _fill(form: Path, target: Path, lines: list[tuple[str, int]], *, sheet: str) -> None:
    book = openpyxl.load_workbook(form)
    rows = list(book[sheet].iter_rows())
    start = next(k for k, row in enumerate(rows) if row[0].value == "IDSCHOOL") + 1
    for row, (name, count) in zip(rows[start:], lines, strict=False):
        row[2].value, row[3].value = name or None, count
    book.save(target)


def make_delivery(cycle: str, *, seed: int = 11):
    """The field agency's delivery of a real cycle, written to ``fieldwork/<cycle>/incoming``:
    the synthetic fieldwork played out on the classes the schools listed (their names and
    counts) and the item bank of ``inputs/<cycle>/instruments`` (item parameters drawn here,
    for the simulation only). Schools without a list (replacements not asked) get classes as
    planning assumes them. Returns :class:`workbench.synth.fieldwork.FieldReturns`."""
    from workbench.instruments import read_instruments
    from workbench.paths import data_dir, fieldwork_dir, inputs_dir
    from workbench.sampling.classes import assumed_classes
    from workbench.sampling.forms import read_class_lists
    from workbench.synth import Nation
    from workbench.synth.fieldwork import make_field_returns
    from workbench.synth.items import make_responses

    rng = np.random.default_rng(seed)
    frame = pd.read_parquet(data_dir(cycle) / "frame.parquet")
    sample = pd.read_parquet(data_dir(cycle) / "sample_schools.parquet")
    chosen = pd.read_parquet(data_dir(cycle) / "sample_classes.parquet")
    listed = read_class_lists(inputs_dir(cycle) / "class_lists", sample)
    unlisted = frame[
        frame["school_id"].isin(sample["school_id"]) & ~frame["school_id"].isin(listed["school_id"])
    ]
    classes = pd.concat([listed, assumed_classes(unlisted)], ignore_index=True)
    classes["class_language"] = classes["class_language"].fillna("ru")
    register = frame.assign(region=frame[STRATA[0]], locality="rural", school_type="general")
    students = classes.loc[classes.index.repeat(classes["enrol"])].reset_index(drop=True)
    line = students.groupby("class_id").cumcount() + 1
    effect = pd.Series(rng.normal(0, 0.6, len(frame)), index=frame["school_id"])
    students = pd.DataFrame(
        {
            "student_id": students["class_id"] + line.map("{:02d}".format),
            "school_id": students["school_id"],
            "class_id": students["class_id"],
            "region": students["school_id"].map(register.set_index("school_id")["region"]),
            "class_language": students["class_language"],
            "female": rng.random(len(students)) < 0.5,
            "books": rng.integers(1, 6, len(students)),
            "theta": students["school_id"].map(effect).to_numpy()
            + rng.normal(0, 0.8, len(students)),
        }
    )
    bank = read_instruments(inputs_dir(cycle) / "instruments").items
    two = bank["max_score"] == 2
    bank = bank.assign(
        a=rng.uniform(0.8, 1.4, len(bank)),
        b=rng.normal(0, 0.8, len(bank)),
        c=0.0,
        d1=np.where(two, -0.5, np.nan),
        d2=np.where(two, 0.5, np.nan),
    )
    responses = make_responses(rng, students, bank, [])
    nation = Nation(
        tables={
            "register": register,
            "classes": classes,
            "students": students,
            "items": bank,
            "responses": responses,
        },
        truth={},
    )
    return make_field_returns(
        nation, sample, chosen, fieldwork_dir(cycle) / "incoming", seed=seed, year=2026
    )
