"""A school register shaped unlike the demo's, as a department might deliver it (test helper).

An Excel sheet with two title rows, a blank row and a two-row header with merged cells
("Количество учащихся" over "5 класс" and "6 класс"; the other headings merged down both
rows), Russian column names, districts x ownership as strata, no language or locality column,
school codes with leading zeros, a total row at the bottom and a few planted faults. The
truth (what the frame must find) is returned beside the file.

Examples
--------
>>> import tempfile, pathlib
>>> truth = write_register_xlsx(pathlib.Path(tempfile.mkdtemp()) / "r.xlsx", schools=60)
>>> sorted(truth["faults"])
['duplicate', 'total_row', 'zero_enrolment']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: the register's column map, as a parameter file gives it
COLUMNS = {"Код школы": "school_id", "6 класс": "enrol_g6"}
#: its strata and sort variables (register names, not the demo's)
STRATA = ["Район", "Форма собственности"]
SORT_BY = ["Тип", "enrol_g6"]
HEADINGS = ["№ п/п", "Код школы", "Наименование", "Район", "Форма собственности", "Тип"]


def make_register(schools: int = 400, seed: int = 7, districts: int = 19) -> pd.DataFrame:
    """The register's records in the file's own names (enrolments as numbers).

    The last district has 3 schools, too few for two replacements per sampled school.
    """
    rng = np.random.default_rng(seed)
    district = np.r_[rng.integers(0, districts - 1, schools - 3), [districts - 1] * 3]
    owner = rng.choice(["государственная", "муниципальная", "частная"], schools, p=[0.5, 0.4, 0.1])
    grade6 = np.maximum(3, np.round(rng.lognormal(3.4, 0.8, schools))).astype(int)
    return pd.DataFrame(
        {
            "№ п/п": np.arange(1, schools + 1),
            "Код школы": [f"{41000 + 7 * i:07d}" for i in range(schools)],
            "Наименование": [f"Школа № {i + 1}" for i in range(schools)],
            "Район": [f"Район {d + 1:02d}" for d in district],
            "Форма собственности": owner,
            "Тип": rng.choice(
                ["СОШ", "гимназия", "лицей", "ООШ"], schools, p=[0.6, 0.15, 0.1, 0.15]
            ),
            "5 класс": np.maximum(0, grade6 + rng.integers(-5, 6, schools)),
            "6 класс": grade6,
        }
    )


def write_register_xlsx(path: Path, *, schools: int = 400, seed: int = 7) -> dict:
    """Write the register sheet; return ``{"records", "faults", "students"}``: the records as
    written, the planted faults (school codes) and the grade-6 students of valid schools."""
    import openpyxl

    records = make_register(schools, seed)
    zero = records.index[5]
    records.loc[zero, "6 класс"] = 0
    duplicate = records.iloc[[10]]
    rows = pd.concat([records, duplicate], ignore_index=True)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Реестр"
    ws["A1"] = "Реестр общеобразовательных организаций"
    ws["A2"] = "по состоянию на 01.09.2026"
    for col, heading in enumerate(HEADINGS, start=1):
        ws.cell(row=4, column=col, value=heading)
        ws.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
    ws.cell(row=4, column=7, value="Количество учащихся")
    ws.merge_cells(start_row=4, start_column=7, end_row=4, end_column=8)
    ws.cell(row=5, column=7, value="5 класс")
    ws.cell(row=5, column=8, value="6 класс")
    for number, record in enumerate(rows.itertuples(index=False), start=6):
        for col, value in enumerate(record, start=1):
            ws.cell(row=number, column=col, value=value.item() if hasattr(value, "item") else value)
    total = 6 + len(rows)
    ws.cell(row=total, column=3, value="Итого")
    ws.cell(row=total, column=8, value=int(rows["6 класс"].sum()))
    book.save(path)
    valid = records.drop(index=zero)
    return {
        "records": records,
        "faults": {
            "zero_enrolment": [records.loc[zero, "Код школы"]],
            "duplicate": [duplicate["Код школы"].iloc[0]],
            "total_row": [total],
        },
        "students": int(valid["6 класс"].sum()),
    }


def register_params(cycle: str, path: str, **design) -> dict:
    """A parameter mapping for a cycle on this register: frame and sample design only."""
    sample = {
        "n_schools": 150,
        "strata": STRATA,
        "sort_by": SORT_BY,
        "minimum": 2,
        "evaluation_reps": 50,
        "domain_reps": 20,
        **design,
    }
    return {
        "cycle": cycle,
        "year": 2026,
        "language": "ru",
        "seed": 5,
        "data": {"source": "register", "register": {"path": path, "columns": COLUMNS}},
        "stages": {"frame": {}, "sample_design": sample},
    }
