"""The sampling hand-offs as IEA runs them (WinW3S): forms out, class lists back.

1. :func:`write_listing_forms`: a class listing form (Excel, sheets ``ky`` and ``ru``) per
   sampled and replacement school, IEA ids filled in (``IDSCHOOL``, ``IDCLASS = 100 × IDSCHOOL +
   line``).
2. :func:`read_class_lists`: the returned lists in ``inputs/<cycle>/class_lists/`` — the filled
   forms, or CSV files with ``IDSCHOOL, CLASS_NAME, N_STUDENTS[, CLASS_LANG, IDCLASS]`` — checked
   (one line naming file, sheet, row, column: :class:`ClassListError`).
   :func:`missing_lists` names the sampled schools still without a list (neither theirs nor a
   replacement's); :class:`ClassListsMissing` says so in one sentence.
3. :func:`write_tracking_forms`: a student tracking form per sampled class (``IDSTUD = 100 ×
   IDCLASS + line``, booklets rotated), the columns of the field agency's student tracking file.

A school that takes no part returns its form with 0 students on the first line.

Examples
--------
>>> import tempfile, pathlib
>>> sample = pd.DataFrame({"school_id": ["0012"], "role": ["sampled"], "IDSCHOOL": [10],
...                        "REPLACES": [0], "mos": [50.0]})
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "lists.csv").write_text("IDSCHOOL,CLASS_NAME,N_STUDENTS\\n10,6А,25\\n10,6Б,24\\n")
>>> read_class_lists(folder, sample)[["class_id", "IDCLASS", "CLASS_NAME", "enrol"]].values.tolist()
[['001201', 1001, '6А', 25], ['001202', 1002, '6Б', 24]]
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import yaml

__all__ = [
    "draw_school_sample",
    "write_listing_forms",
    "read_class_lists",
    "missing_lists",
    "write_tracking_forms",
    "ClassListError",
    "ClassListsMissing",
    "classes_from_lists",
    "list_summary",
    "folders",
    "waiting_sentence",
    "waiting_for",
    "LIST_COLUMNS",
    "CLASS_LANGUAGES",
]

#: the code row of a class listing form (a CSV class list needs the first three)
LIST_COLUMNS = ("IDSCHOOL", "IDCLASS", "CLASS_NAME", "N_STUDENTS", "CLASS_LANG")
#: the code row of a student tracking form (the field agency's student tracking columns)
TRACKING_COLUMNS = (
    "IDSCHOOL",
    "IDCLASS",
    "IDSTUD",
    "STUDENT_NAME",
    "SEX",
    "EXCLUSION",
    "PARTICIP",
    "IDBOOK",
)
CLASS_LANGUAGES = ("ky", "ru", "uz", "tj")
_LINES = 12  # class lines on a listing form
_SPARE = 5  # extra student lines on a tracking form (students who joined)
_MAX_CLASS = 80  # more students than this in a class is a typing error


class ClassListError(ValueError):
    """A returned class list that cannot be used; one line naming file, sheet, row, column."""


class ClassListsMissing(RuntimeError):
    """Sampled schools whose class lists have not come back; one sentence."""


@cache
def _words() -> dict[str, dict[str, str]]:
    path = Path(__file__).parents[1] / "texts" / "forms.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _w(key: str, lang: str, **values: Any) -> str:
    return _words()[key][lang].format(**values)


_DESIGN = (
    "strata",
    "sort_by",
    "allocation",
    "minimum",
    "small_mos",
    "small_rule",
    "exclusion_limit",
)


def draw_school_sample(frame: pd.DataFrame, stage: dict[str, Any]) -> pd.DataFrame:
    """The school sample of the sample-design stage (``stage``: its parameters, with ``seed``):
    :func:`~workbench.sampling.select_schools` with IEA ids. The same draw serves the stage and
    the demo's returned class lists."""
    from workbench.sampling.ids import school_ids
    from workbench.sampling.schools import select_schools

    return school_ids(
        select_schools(
            frame,
            n=stage["n_schools"],
            size="enrol_g6",
            replacements=stage["replacements"],
            seed=stage["seed"],
            **{k: stage[k] for k in _DESIGN},
        )
    )


def write_listing_forms(sample: pd.DataFrame, folder: str | Path) -> list[Path]:
    """One class listing form ``<IDSCHOOL>.xlsx`` per school of ``sample`` (all roles); the
    folder's earlier forms are removed."""
    folder = _emptied(folder)
    paths = []
    for row in sample.itertuples(index=False):
        book = openpyxl.Workbook(write_only=True)
        for lang in ("ky", "ru"):
            role = (
                _w("sampled", lang)
                if row.role == "sampled"
                else _w("replacement", lang, of=int(row.REPLACES))
            )
            sheet = book.create_sheet(lang)
            sheet.append([_w("listing_title", lang)])
            sheet.append([_w("school", lang), int(row.IDSCHOOL)])
            sheet.append([_w("school_code", lang), str(row.school_id)])
            sheet.append([_w("role", lang), role])
            sheet.append([_w("listing_note", lang)])
            sheet.append([_w(c, lang) for c in LIST_COLUMNS])
            sheet.append(list(LIST_COLUMNS))
            for line in range(1, _LINES + 1):
                sheet.append([int(row.IDSCHOOL), int(row.IDSCHOOL) * 100 + line])
        paths.append(folder / f"{int(row.IDSCHOOL)}.xlsx")
        book.save(paths[-1])
    return paths


def _emptied(folder: str | Path) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.xlsx"):
        old.unlink()
    return folder


def read_class_lists(
    folder: str | Path, sample: pd.DataFrame, *, shown: str | None = None
) -> pd.DataFrame:
    """The classes listed in ``folder``'s ``*.xlsx`` and ``*.csv`` files for schools of
    ``sample`` (``school_id, role, IDSCHOOL, REPLACES, mos``).

    Returns one row per class: ``school_id, IDSCHOOL, class_id (school_id + line), IDCLASS,
    CLASS_NAME, class_language, enrol``; a school that returned 0 students has no rows but is
    in ``.attrs["declined"]`` (its IDSCHOOLs). ``shown``: the folder's name in messages.
    """
    folder = Path(folder)
    where = (shown or folder.name).rstrip("/")
    known = dict(zip(sample["IDSCHOOL"].astype(int), sample["school_id"].astype(str), strict=True))
    rows, origin = [], {}
    files = sorted(
        p
        for p in folder.glob("*")
        if p.suffix.lower() in {".xlsx", ".csv"} and not p.name.startswith(("~$", "."))
    )
    for path in files:
        label = f"{where}/{path.name}"
        for at, entry in _file_rows(path, label):
            rows.append(_checked(at, entry, known))
            school = rows[-1]["IDSCHOOL"]
            if origin.setdefault(school, label) != label:
                raise ClassListError(
                    f"{at}: IDSCHOOL {school} is also listed in "
                    f"{origin[school]}; keep one list per school"
                )
    return _classes(rows, known)


def _file_rows(path: Path, label: str) -> list[tuple[str, dict]]:
    if path.suffix.lower() == ".csv":
        try:
            table = pd.read_csv(
                path,
                dtype=str,
                encoding="utf-8-sig",
                sep=None,
                engine="python",
                keep_default_na=False,
            )
        except (UnicodeDecodeError, pd.errors.ParserError) as err:
            raise ClassListError(f"{label}: cannot be read as a UTF-8 CSV ({err})") from None
        table.columns = [str(c).strip() for c in table.columns]
        _need(table.columns, label)
        return [
            (f"{label}, row {i + 2}", row)
            for i, row in enumerate(table.to_dict("records"))
            if any(str(v).strip() for v in row.values())
        ]
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - any unreadable workbook gets one line
        raise ClassListError(f"{label}: cannot be read as an Excel workbook ({err})") from None
    filled = []
    for sheet in book.worksheets:
        found = _sheet_rows(sheet, f"{label}, sheet {sheet.title}")
        if any(_value(e.get("N_STUDENTS")) or _value(e.get("CLASS_NAME")) for _, e in found):
            filled.append((sheet.title, found))
    book.close()
    if len(filled) > 1:
        raise ClassListError(
            f"{label}: sheets {filled[0][0]} and {filled[1][0]} are both "
            "filled; fill one language's sheet"
        )
    return filled[0][1] if filled else []


def _sheet_rows(sheet, label: str) -> list[tuple[str, dict]]:
    header, out = None, []
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        values = [_value(c) for c in cells]
        if header is None:
            if "IDSCHOOL" in values and "N_STUDENTS" in values:
                header = values
                _need(header, label)
            continue
        entry = {h: v for h, v in zip(header, values, strict=False) if h}
        if _value(entry.get("CLASS_NAME")) or _value(entry.get("N_STUDENTS")):
            out.append((f"{label}, row {number}", entry))
    if header is None:
        raise ClassListError(
            f"{label}: no code row (IDSCHOOL ... N_STUDENTS); use the class "
            "listing form the workbench wrote"
        )
    return out


def _need(columns, label: str) -> None:
    missing = [c for c in LIST_COLUMNS[:1] + LIST_COLUMNS[2:4] if c not in list(columns)]
    if missing:
        raise ClassListError(
            f"{label}: no column {missing[0]}; a class list needs IDSCHOOL, "
            "CLASS_NAME and N_STUDENTS"
        )


def _value(cell: Any) -> str:
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _whole(at: str, column: str, given: Any, low: int, high: int) -> int:
    text = _value(given)
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not text or not number.is_integer() or not low <= number <= high:
        shown = repr(text) if text else "empty"
        raise ClassListError(
            f"{at}, column {column}: {shown} is not a whole number from {low} to {high}"
        )
    return int(number)


def _checked(at: str, entry: dict, known: dict[int, str]) -> dict:
    school = _whole(at, "IDSCHOOL", entry.get("IDSCHOOL"), 1, 9999)
    if school not in known:
        raise ClassListError(
            f"{at}, column IDSCHOOL: {school} is not a school of the sample "
            "(its form names its IDSCHOOL)"
        )
    count = _whole(at, "N_STUDENTS", entry.get("N_STUDENTS"), 0, _MAX_CLASS)
    name = _value(entry.get("CLASS_NAME"))
    if count and not name:
        raise ClassListError(
            f"{at}, column CLASS_NAME: empty; name the class as the school does (6А)"
        )
    language = _value(entry.get("CLASS_LANG")).lower() or None
    if language is not None and language not in CLASS_LANGUAGES:
        raise ClassListError(
            f"{at}, column CLASS_LANG: {language!r}; use one of {', '.join(CLASS_LANGUAGES)}"
        )
    idclass = _value(entry.get("IDCLASS"))
    line = None
    if idclass:
        full = _whole(at, "IDCLASS", idclass, 100, 999999)
        if full // 100 != school or full % 100 == 0:
            raise ClassListError(
                f"{at}, column IDCLASS: {full} is not a class of IDSCHOOL "
                f"{school} ({school * 100 + 1}, {school * 100 + 2}, ...)"
            )
        line = full % 100
    return {
        "at": at,
        "IDSCHOOL": school,
        "line": line,
        "CLASS_NAME": name,
        "enrol": count,
        "class_language": language,
    }


def _classes(rows: list[dict], known: dict[int, str]) -> pd.DataFrame:
    columns = [
        "school_id",
        "IDSCHOOL",
        "class_id",
        "IDCLASS",
        "CLASS_NAME",
        "class_language",
        "enrol",
    ]
    table = pd.DataFrame(
        rows, columns=["at", "IDSCHOOL", "line", "CLASS_NAME", "enrol", "class_language"]
    )
    zero = table[table["enrol"] == 0]
    declined = sorted(set(zero["IDSCHOOL"]))
    mixed = table[table["IDSCHOOL"].isin(declined) & (table["enrol"] > 0)]
    if len(mixed):
        raise ClassListError(
            f"{mixed['at'].iloc[0]}, column N_STUDENTS: the school also has a "
            "line with 0 students (no part); keep either its classes or the 0"
        )
    table = table[table["enrol"] > 0].copy()
    auto = table.groupby("IDSCHOOL").cumcount() + 1
    table["line"] = table["line"].where(table["line"].notna(), auto).astype(int)
    for key, what in (
        (["IDSCHOOL", "line"], "IDCLASS"),
        (["IDSCHOOL", "CLASS_NAME"], "CLASS_NAME"),
    ):
        twice = table.duplicated(key, keep="first")
        if twice.any():
            row = table[twice].iloc[0]
            raise ClassListError(
                f"{row['at']}, column {what}: class "
                f"{row['CLASS_NAME'] if what == 'CLASS_NAME' else row['line']} "
                f"of IDSCHOOL {row['IDSCHOOL']} is listed twice"
            )
    table["school_id"] = table["IDSCHOOL"].map(known)
    table["class_id"] = table["school_id"].astype(str) + table["line"].astype(str).str.zfill(2)
    table["IDCLASS"] = table["IDSCHOOL"] * 100 + table["line"]
    table["enrol"] = table["enrol"].astype(int)
    out = table.sort_values("IDCLASS")[columns].reset_index(drop=True)
    out.attrs["declined"] = declined
    return out


def missing_lists(sample: pd.DataFrame, classes: pd.DataFrame) -> pd.DataFrame:
    """Sampled schools with no list back, neither theirs nor one of their replacements'
    (a school that returned 0 students counts as answered)."""
    answered = set(classes["IDSCHOOL"]) | set(classes.attrs.get("declined", []))
    group = sample["IDSCHOOL"].where(sample["role"] == "sampled", sample["REPLACES"])
    done = set(group[sample["IDSCHOOL"].isin(answered)])
    sampled = sample[sample["role"] == "sampled"]
    return sampled[~sampled["IDSCHOOL"].isin(done)].reset_index(drop=True)


def classes_from_lists(
    listed: pd.DataFrame,
    sample: pd.DataFrame,
    *,
    lists: str,
    forms: str,
    per_school: int,
    large_mos: int | None,
    per_large_school: int,
    seed: int,
) -> pd.DataFrame:
    """Sample classes from the returned lists (:func:`read_class_lists`) in every school that
    sent one, by :func:`~workbench.sampling.select_classes`; raise :class:`ClassListsMissing`
    (one sentence, :func:`waiting_sentence`) while a sampled school's list is missing."""
    from workbench.sampling.classes import select_classes

    missing = missing_lists(sample, listed)
    if len(missing):
        raise ClassListsMissing(
            waiting_sentence(
                missing, int((sample["role"] == "sampled").sum()), lists=lists, forms=forms
            )
        )
    schools = sample[sample["IDSCHOOL"].isin(listed["IDSCHOOL"])]
    return select_classes(
        listed,
        schools,
        mos="mos",
        n_classes=per_school,
        large_mos=large_mos,
        n_classes_large=per_large_school,
        seed=seed,
    )


def list_summary(listed: pd.DataFrame) -> dict[str, int]:
    """Schools, classes and students of the returned lists, and schools that declined."""
    return {
        "schools": int(listed["IDSCHOOL"].nunique()),
        "classes": len(listed),
        "students": int(listed["enrol"].sum()),
        "declined": len(listed.attrs.get("declined", [])),
    }


def waiting_sentence(missing: pd.DataFrame, n_sampled: int, *, lists: str, forms: str) -> str:
    """One sentence: which schools' class lists are missing and where to put them."""
    ids = [str(int(i)) for i in missing["IDSCHOOL"]]
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return (
        f"waiting for the class lists of {len(ids)} of {n_sampled} sampled schools "
        f"(IDSCHOOL {shown}): fill their class listing forms ({forms}) or write a CSV with "
        f"IDSCHOOL, CLASS_NAME, N_STUDENTS, and put them in {lists}, then run again"
    )


def write_tracking_forms(
    classes: pd.DataFrame, folder: str | Path, *, instruments: str | Path | None = None
) -> list[Path]:
    """One student tracking form ``<IDCLASS>.xlsx`` per sampled class (``IDSCHOOL, IDCLASS,
    CLASS_NAME, enrol``): a line per listed student plus spare lines, ``IDSTUD`` filled in and
    the booklets of the ``instruments`` folder's design rotated from ``IDCLASS`` (no instruments
    yet: ``IDBOOK`` left for the school coordinator)."""
    from workbench.instruments import instruments_file, read_instruments

    given = instruments is not None and instruments_file(instruments) is not None
    numbers = sorted(read_instruments(instruments).booklets["booklet"].unique()) if given else []
    folder = _emptied(folder)
    paths = []
    for row in classes.itertuples(index=False):
        book = openpyxl.Workbook(write_only=True)
        for lang in ("ky", "ru"):
            sheet = book.create_sheet(lang)
            sheet.append([_w("tracking_title", lang)])
            sheet.append([_w("school", lang), int(row.IDSCHOOL)])
            sheet.append([_w("class", lang), int(row.IDCLASS), str(row.CLASS_NAME)])
            sheet.append([_w("tracking_note", lang)])
            sheet.append([_w(c, lang) for c in TRACKING_COLUMNS])
            sheet.append(list(TRACKING_COLUMNS))
            for line in range(1, min(int(row.enrol) + _SPARE, 99) + 1):
                booklet = (
                    int(numbers[(int(row.IDCLASS) + line) % len(numbers)]) if numbers else None
                )
                sheet.append(
                    [
                        int(row.IDSCHOOL),
                        int(row.IDCLASS),
                        int(row.IDCLASS) * 100 + line,
                        None,
                        None,
                        None,
                        None,
                        booklet,
                    ]
                )
        paths.append(folder / f"{int(row.IDCLASS)}.xlsx")
        book.save(paths[-1])
    return paths


def folders(cycle: str, class_lists: str = "class_lists") -> dict[str, Path | str]:
    """Where the hand-offs of ``cycle`` live: ``listing``/``tracking`` (forms written under
    ``outputs/<cycle>/forms/``), ``lists`` (returned class lists under ``inputs/<cycle>/``),
    ``instruments``; ``*_shown``: the same as relative names for messages and reports.

    >>> folders("c")["lists_shown"]
    'inputs/c/class_lists/'
    """
    from workbench.paths import cycle_dir, inputs_dir

    return {
        "listing": cycle_dir(cycle) / "forms" / "class_listing",
        "tracking": cycle_dir(cycle) / "forms" / "student_tracking",
        "lists": inputs_dir(cycle) / class_lists,
        "instruments": inputs_dir(cycle) / "instruments",
        "listing_shown": f"outputs/{cycle}/forms/class_listing/",
        "tracking_shown": f"outputs/{cycle}/forms/student_tracking/",
        "lists_shown": f"inputs/{cycle}/{class_lists}/",
    }


def waiting_for(params) -> list[tuple[str, Path, str]]:
    """What the sample-design stage of ``params`` (a :class:`~workbench.params.CycleParams`)
    waits for: ``[(key, folder, sentence)]`` naming the sampled schools whose class lists are
    missing (empty: none, or the schools are not drawn yet)."""
    from workbench.paths import data_dir, inputs_dir

    if "sample_design" not in params.stages:
        return []
    stage = params.stage_params("sample_design")
    sample_path = data_dir(params.cycle) / "sample_schools.parquet"
    folder = inputs_dir(params.cycle) / stage["class_lists"]
    if not sample_path.is_file():
        return []
    sample = pd.read_parquet(sample_path)
    shown = f"inputs/{params.cycle}/{stage['class_lists']}/"
    try:
        listed = (
            read_class_lists(folder, sample, shown=shown) if folder.is_dir() else _classes([], {})
        )
    except ClassListError as err:
        return [("stages.sample_design.class_lists", folder, str(err))]
    missing = missing_lists(sample, listed)
    if missing.empty:
        return []
    forms = f"outputs/{params.cycle}/forms/class_listing/"
    return [
        (
            "stages.sample_design.class_lists",
            folder,
            waiting_sentence(
                missing, int((sample["role"] == "sampled").sum()), lists=shown, forms=forms
            ),
        )
    ]
