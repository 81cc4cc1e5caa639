"""The synthetic nation's input files: what a department would hold in ``inputs/<cycle>/``.

The demo writes exactly the files a real cycle supplies — the school register
(``register/register.csv``), the instruments (``instruments/instruments.yaml``) and, once the
schools are drawn, the returned class lists of the sampled schools
(``class_lists/class_lists.csv``) — and the stages read only those files.

Examples
--------
>>> import tempfile, pathlib
>>> from workbench.synth import make_nation
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> sorted(p.relative_to(folder).as_posix() for p in write_inputs(make_nation(1, 120, 24, 4),
...                                                                 folder))
['instruments/instruments.yaml', 'register/register.csv']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.instruments import write_instruments
from workbench.synth.items import booklet_blocks

__all__ = ["write_inputs", "write_class_lists", "REGISTER_FILE", "INSTRUMENTS_FILE"]

REGISTER_FILE = "register/register.csv"
INSTRUMENTS_FILE = "instruments/instruments.yaml"
_QUESTIONNAIRES = ("student", "teacher", "principal", "parent")


def write_inputs(nation, folder: str | Path) -> list[Path]:
    """Write the nation's register (CSV, as a ministry exports it) and instruments."""
    folder = Path(folder)
    register = folder / REGISTER_FILE
    register.parent.mkdir(parents=True, exist_ok=True)
    nation.tables["register"].to_csv(register, index=False, encoding="utf-8")
    bank = nation.tables["items"]
    blocks = int(bank["block"].max())
    booklets = {k: list(booklet_blocks(k, blocks)) for k in range(1, blocks + 1)}
    scheme = bank["max_score"].map(lambda top: "-".join(str(s) for s in range(int(top) + 1)))
    bank = bank.assign(scheme=scheme.where(bank["type"] == "CR"))
    return [register, write_instruments(folder / INSTRUMENTS_FILE, bank, booklets, _codebooks())]


def _codebooks() -> list[dict]:
    """The questionnaires' coded variables, from the field returns' declared schemas."""
    from workbench.fielddata.returns import field_schemas

    schemas = field_schemas()
    entries = []
    for name in _QUESTIONNAIRES:
        for column in schemas[f"{name}_questionnaire"].columns:
            if column.type != "code" or not column.codes:
                continue
            codes = (
                column.codes
                if isinstance(column.codes, dict)
                else {code: None for code in column.codes}
            )
            codes = {**codes, **(column.missing or {})}
            entries.append(
                {
                    "questionnaire": name,
                    "variable": column.name,
                    "codes": {_plain(k): v for k, v in codes.items()},
                }
            )
    return entries


def _plain(code):
    return code.item() if hasattr(code, "item") else code


def write_class_lists(classes: pd.DataFrame, sample: pd.DataFrame, path: str | Path) -> Path:
    """The class lists the sampled schools return, as one CSV file ``path`` (``IDSCHOOL, IDCLASS,
    CLASS_NAME, N_STUDENTS, CLASS_LANG``): every grade-6 class of each sampled school, numbered
    as the nation numbers them (class ``<school_id>03`` is line 3)."""
    sampled = sample[sample["role"] == "sampled"].set_index("school_id")["IDSCHOOL"]
    listed = classes[classes["school_id"].isin(sampled.index)].copy()
    line = listed["class_id"].str[-2:].astype(int)
    letters = "АБВГДЕЖЗИКЛМНОП"
    out = pd.DataFrame(
        {
            "IDSCHOOL": listed["school_id"].map(sampled).astype(int),
            "IDCLASS": listed["school_id"].map(sampled).astype(int) * 100 + line,
            "CLASS_NAME": [f"6{letters[k - 1]}" if k <= len(letters) else f"6-{k}" for k in line],
            "N_STUDENTS": listed["enrol"].astype(int),
            "CLASS_LANG": listed["class_language"],
        }
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.sort_values("IDCLASS").to_csv(path, index=False, encoding="utf-8")
    return path
