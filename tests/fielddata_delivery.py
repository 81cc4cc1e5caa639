"""A small, deterministic delivery of field returns, and ways to spoil it (planted faults).

Two schools (17, 18), one class each (1701, 1801), twelve students a class; booklet 1 holds
block 1 (R101, R102), booklet 2 block 2 (R201, R202). In each class student 11 is
excluded and student 12 absent; the others are assessed and have a booklet. Tests write
this delivery to a temporary folder, change what they plant, and compare what the intake
finds with what was planted (the truth), never with the code's own output.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from workbench import fielddata as fd

ITEMS = pd.DataFrame(
    {
        "item_id": ["R101", "R102", "R201", "R202"],
        "type": ["MC", "CR", "MC", "CR"],
        "max_score": [1, 1, 1, 2],
        "key": ["B", None, "C", None],
        "block": [1, 1, 2, 2],
        "position": [1, 2, 1, 2],
    }
)
SAMPLE = pd.DataFrame({"IDSCHOOL": [17, 18], "probability": [0.5, 0.25]})
CLASSES = (1701, 1801)
PER_CLASS = 12


def students() -> pd.DataFrame:
    """The student tracking form as text cells."""
    rows = []
    for idclass in CLASSES:
        for k in range(1, PER_CLASS + 1):
            particip = {11: "3", 12: "2"}.get(k, "1")
            rows.append(
                {
                    "IDSCHOOL": str(idclass // 100),
                    "IDCLASS": str(idclass),
                    "IDSTUD": str(idclass * 100 + k),
                    "STUDENT_NAME": f"Айгерим Ученица{k}",
                    "SEX": str(1 + k % 2),
                    "EXCLUSION": "1" if k == 11 else "",
                    "PARTICIP": particip,
                    "IDBOOK": "" if k == 11 else str(1 + k % 2),
                }
            )
    return pd.DataFrame(rows)


def booklets(idclass: int) -> pd.DataFrame:
    """The booklets of one class's assessed students (students 1-10)."""
    rows = []
    for k in range(1, 11):
        book = 1 + k % 2
        row = {
            "IDSCHOOL": str(idclass // 100),
            "IDCLASS": str(idclass),
            "IDSTUD": str(idclass * 100 + k),
            "IDBOOK": str(book),
            "R101": "",
            "R102": "",
            "R201": "",
            "R202": "",
        }
        if book == 1:
            row.update(R101="B" if k % 3 else "A", R102="10" if k % 4 else "70")
        else:
            row.update(R201="C" if k % 3 else "D", R202="20" if k % 4 else "10")
        rows.append(row)
    return pd.DataFrame(rows)


def files() -> dict[str, pd.DataFrame | bytes]:
    """The delivery: path inside the folder -> table (written as UTF-8 CSV) or raw bytes."""
    school = pd.DataFrame(
        {
            "IDSCHOOL": ["17", "18"],
            "SCHCODE": ["K-017", "K-018"],
            "REGION": ["chui", "osh"],
            "STRATUM": ["chui/rural", "osh/rural"],
            "ROLE": ["0", "0"],
            "REPLACES": ["", ""],
            "MOS": ["30", "40"],
            "PARTICIP": ["1", "1"],
            "TEST_DATE": ["2025-04-10"] * 2,
        }
    )
    classes = pd.DataFrame(
        {
            "IDSCHOOL": ["17", "18"],
            "IDCLASS": ["1701", "1801"],
            "CLASS_NAME": ["6А", "6Б"],
            "CLASS_LANG": ["ky", "ru"],
            "TEACHER_NAME": ["Бактыгүл Мамбетова", "Ольга Петрова"],
            "N_LISTED": ["12", "12"],
            "N_EXCLUDED": ["1", "1"],
            "N_ABSENT": ["1", "1"],
            "N_ASSESSED": ["10", "10"],
        }
    )
    coding = pd.DataFrame(
        {
            "IDSTUD": ["170101", "170103", "180102"],
            "IDBOOK": ["2", "2", "1"],
            "ITEM": ["R202", "R202", "R102"],
            "CODER1": ["1", "2", "3"],
            "CODE1": ["20", "20", "10"],
            "CODER2": ["4", "5", "6"],
            "CODE2": ["20", "10", "10"],
        }
    )
    return {
        "tracking/school_tracking.csv": school,
        "tracking/class_tracking.csv": classes,
        "tracking/student_tracking.csv": students(),
        "booklets/booklets_a.csv": booklets(1701),
        "booklets/booklets_b.csv": booklets(1801),
        "reliability/double_coding.csv": coding,
    }


def write(folder: Path, content: dict[str, pd.DataFrame | bytes]) -> Path:
    """Write a delivery; return the folder."""
    for name, data in content.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            data.to_csv(path, index=False, encoding="utf-8")
    return folder


def take_in(root: Path, content=None, *, codebooks: pd.DataFrame | None = None):
    """Write ``content`` (default :func:`files`) to ``root/incoming`` and take it in, its
    quarantine in ``root/quarantine``; returns :class:`workbench.fielddata.FieldIntake`."""
    folder = write(root / "incoming", content or files())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fd.intake_returns(
            folder,
            ITEMS,
            sample_ids=SAMPLE["IDSCHOOL"],
            quarantine_dir=root / "quarantine",
            codebooks=codebooks,
        )


def row_of(frame: pd.DataFrame, **match) -> int:
    """The file row (header = row 1) of the first row matching ``match``."""
    mask = pd.Series(True, index=frame.index)
    for column, value in match.items():
        mask &= frame[column] == value
    return int(mask.to_numpy().argmax()) + 2
