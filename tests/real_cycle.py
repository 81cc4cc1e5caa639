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

__all__ = ["start_cycle", "fill_listing_forms", "ITEM_BANK"]

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


def start_cycle(name: str, folder: Path, *, schools: int = 300, n_schools: int = 60,
                evaluation_reps: int = 50) -> tuple[Path, dict]:
    """``new_cycle`` + the foreign register in ``inputs/<name>/register/`` + the item bank;
    returns the parameter file and the register's truth."""
    from workbench.newcycle import new_cycle
    from workbench.paths import inputs_dir

    made = new_cycle(name, language="ru", year=2026, parameters=folder)
    raw = yaml.safe_load(made.params.read_text(encoding="utf-8"))
    raw["data"]["register"]["columns"] = COLUMNS
    raw["stages"]["sample_design"].update(
        strata=STRATA[:1], sort_by=[STRATA[1], "enrol_g6"], n_schools=n_schools, minimum=1,
        evaluation_reps=evaluation_reps, domain_reps=20)
    made.params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    truth = write_register_xlsx(inputs_dir(name) / "register" / "register.xlsx",
                                schools=schools)
    (inputs_dir(name) / "instruments" / "instruments.yaml").write_text(ITEM_BANK,
                                                                        encoding="utf-8")
    return made.params, truth


def fill_listing_forms(forms: Path, lists: Path, sample: pd.DataFrame, *, seed: int = 1,
                       declining: int = 1) -> pd.DataFrame:
    """Return the class lists of the sampled schools as the schools would: the first half as
    filled Excel forms (alternately the ky and ru sheet), the rest in one CSV; the first
    ``declining`` sampled schools write 0 students and their first replacement answers.

    Returns the classes written (``IDSCHOOL, CLASS_NAME, N_STUDENTS``): the truth to check.
    """
    rng = np.random.default_rng(seed)
    sampled = sample[sample["role"] == "sampled"].reset_index(drop=True)
    first = sample[sample["role"] == "replacement_1"].set_index("REPLACES")["IDSCHOOL"]
    declined = set(sampled.loc[sampled["IDSCHOOL"].isin(first.index), "IDSCHOOL"]
                   .head(declining))
    answering = [*sampled["IDSCHOOL"], *[first[i] for i in sorted(declined)]]
    written, csv_rows = [], []
    for k, school in enumerate(answering):
        if school in declined:
            lines = [("", 0)]
        else:
            count = int(rng.integers(1, 5))
            lines = [(f"6{'АБВГ'[j]}", int(rng.integers(8, 31))) for j in range(count)]
            written += [(school, name, n) for name, n in lines]
        if k < len(sampled) // 2:
            _fill(forms / f"{school}.xlsx", lists / f"{school}.xlsx", lines,
                  sheet="ky" if k % 2 else "ru")
        else:
            csv_rows += [(school, name, n) for name, n in lines]
    pd.DataFrame(csv_rows, columns=["IDSCHOOL", "CLASS_NAME", "N_STUDENTS"]).to_csv(
        lists / "returned.csv", index=False, encoding="utf-8")
    return pd.DataFrame(written, columns=["IDSCHOOL", "CLASS_NAME", "N_STUDENTS"])


def _fill(form: Path, target: Path, lines: list[tuple[str, int]], *, sheet: str) -> None:
    book = openpyxl.load_workbook(form)
    rows = list(book[sheet].iter_rows())
    start = next(k for k, row in enumerate(rows) if row[0].value == "IDSCHOOL") + 1
    for row, (name, count) in zip(rows[start:], lines, strict=False):
        row[2].value, row[3].value = name or None, count
    book.save(target)
