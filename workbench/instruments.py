"""A cycle's instruments as files a researcher edits: the item bank, the booklet design and the
questionnaire codebooks, in ``inputs/<cycle>/instruments/`` as ``instruments.yaml`` or
``instruments.xlsx`` (sheets ``items``, ``booklets``, ``codebooks``).

Items: ``item_id, block, position, type (MC|CR), max_score, key (MC: A-D), scheme (CR: "0-1" or
"0-1-2"), text_type, process``. Booklets: ``booklet, blocks`` (``"1+2"`` or a list). Codebooks:
``questionnaire, variable, label, codes`` (``"1=Yes; 2=No"`` or a mapping). Every fault is one
line naming the file, the sheet or section, the row and the column (:class:`InstrumentError`).

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "instruments.yaml").write_text(
...     "items:\\n  - {item_id: R101, block: 1, type: MC, max_score: 1, key: B}\\n"
...     "booklets:\\n  - {booklet: 1, blocks: [1]}\\n", encoding="utf-8")
>>> read_instruments(folder).items[["item_id", "type", "max_score", "key"]].values.tolist()
[['R101', 'MC', 1, 'B']]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

__all__ = [
    "Instruments",
    "InstrumentError",
    "read_instruments",
    "instruments_file",
    "write_instruments",
    "write_templates",
    "ITEM_COLUMNS",
]

#: columns of the items table the stages read, in order
ITEM_COLUMNS = (
    "item_id",
    "block",
    "position",
    "text_type",
    "process",
    "type",
    "max_score",
    "key",
    "scheme",
)
_SECTIONS = ("items", "booklets", "codebooks")
_NAMES = ("instruments.yaml", "instruments.yml", "instruments.xlsx")


class InstrumentError(ValueError):
    """An instruments file that cannot be used; one line naming file, sheet, row and column."""


@dataclass(frozen=True)
class Instruments:
    """The validated instruments: ``items``, ``booklets`` (booklet, block) and ``codebooks``
    (questionnaire, variable, label, code, code_label) tables."""

    items: pd.DataFrame
    booklets: pd.DataFrame
    codebooks: pd.DataFrame


def instruments_file(folder: str | Path) -> Path | None:
    """The instruments file in ``folder`` (``None``: there is none)."""
    found = [Path(folder) / name for name in _NAMES if (Path(folder) / name).is_file()]
    if len(found) > 1:
        raise InstrumentError(
            f"{Path(folder).name}/: both {found[0].name} and {found[1].name} "
            "are there; keep one instruments file"
        )
    return found[0] if found else None


def read_instruments(folder: str | Path, *, shown: str | None = None) -> Instruments:
    """Read and validate the instruments of ``folder`` (``shown``: how the folder is named in
    messages, default its name)."""
    path = instruments_file(folder)
    where = shown or f"{Path(folder).name}/"
    if path is None:
        raise InstrumentError(
            f"{where}: no instruments.yaml or instruments.xlsx; put the item "
            "bank, booklet design and codebooks there (see README)"
        )
    label = f"{where.rstrip('/')}/{path.name}"
    rows = _read_xlsx(path, label) if path.suffix == ".xlsx" else _read_yaml(path, label)
    items = _items(rows["items"], label)
    booklets = _booklets(rows["booklets"], label, set(items["block"]))
    return Instruments(items, booklets, _codebooks(rows["codebooks"], label))


def _read_yaml(path: Path, label: str) -> dict[str, list[tuple[str, dict]]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        raise InstrumentError(
            f"{label}{line}: not valid YAML ({getattr(err, 'problem', err)})"
        ) from None
    if not isinstance(raw, dict):
        raise InstrumentError(f"{label}: expected the sections items, booklets, codebooks")
    unknown = sorted(set(raw) - set(_SECTIONS))
    if unknown:
        raise InstrumentError(
            f"{label}: unknown section {unknown[0]!r}; the sections are {', '.join(_SECTIONS)}"
        )
    out = {}
    for section in _SECTIONS:
        entries = raw.get(section) or []
        if not isinstance(entries, list):
            raise InstrumentError(f"{label}, {section}: expected a list of entries")
        for k, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise InstrumentError(
                    f"{label}, {section} entry {k + 1}: expected a mapping of keys"
                )
        out[section] = [
            (f"{label}, {section} entry {k + 1}", entry) for k, entry in enumerate(entries)
        ]
    return out


def _read_xlsx(path: Path, label: str) -> dict[str, list[tuple[str, dict]]]:
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object)
    except Exception as err:  # noqa: BLE001 - any unreadable workbook gets one line
        raise InstrumentError(f"{label}: cannot be read as an Excel workbook ({err})") from None
    out = {}
    for section in _SECTIONS:
        sheet = sheets.get(section)
        if sheet is None:
            out[section] = []
            continue
        sheet.columns = [str(c).strip() for c in sheet.columns]
        sheet = sheet.dropna(how="all")
        out[section] = [
            (
                f"{label}, sheet {section}, row {int(i) + 2}",
                {k: v for k, v in row.items() if not _blank(v)},
            )
            for i, row in sheet.iterrows()
        ]
    return out


def _blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and pd.isna(value))
        or (isinstance(value, str) and not value.strip())
    )


def _integer(where: str, entry: dict, column: str, low: int = 1, default: int | None = None) -> int:
    value = entry.get(column, default)
    if _blank(value):
        raise InstrumentError(f"{where}, column {column}: empty; give a whole number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not number.is_integer() or number < low:
        raise InstrumentError(f"{where}, column {column}: {value!r} is not a whole number >= {low}")
    return int(number)


def _text(entry: dict, column: str) -> str | None:
    value = entry.get(column)
    return None if _blank(value) else str(value).strip()


def _items(rows: list[tuple[str, dict]], label: str) -> pd.DataFrame:
    if not rows:
        raise InstrumentError(f"{label}: no items; the item bank (section/sheet items) is empty")
    out, seen = [], {}
    for where, entry in rows:
        item_id = _text(entry, "item_id")
        if item_id is None:
            raise InstrumentError(f"{where}, column item_id: empty; every item needs an id")
        if item_id in seen:
            raise InstrumentError(
                f"{where}, column item_id: {item_id} is already at {seen[item_id]}"
            )
        seen[item_id] = where.rsplit(", ", 1)[-1]
        where = f"{where} ({item_id})"
        kind = (_text(entry, "type") or "").upper()
        if kind not in {"MC", "CR"}:
            raise InstrumentError(
                f"{where}, column type: {entry.get('type')!r}; use MC "
                "(multiple choice) or CR (constructed response)"
            )
        top = _integer(where, entry, "max_score", default=1)
        key = (_text(entry, "key") or "").upper() or None
        scheme = _text(entry, "scheme")
        if kind == "MC":
            if top != 1:
                raise InstrumentError(
                    f"{where}, column max_score: a multiple-choice item scores 0 or 1, not {top}"
                )
            if key not in set("ABCDE"):
                raise InstrumentError(
                    f"{where}, column key: {entry.get('key')!r}; a "
                    "multiple-choice item needs its key, one of A-E"
                )
        else:
            if key is not None:
                raise InstrumentError(
                    f"{where}, column key: a constructed-response item has "
                    "no key; its coding scheme is given under scheme"
                )
            if top not in {1, 2, 3}:
                raise InstrumentError(
                    f"{where}, column max_score: {top}; a constructed-"
                    "response item scores at most 1, 2 or 3 points"
                )
            expected = "-".join(str(s) for s in range(top + 1))
            if scheme is not None and scheme.replace(" ", "") != expected:
                raise InstrumentError(
                    f"{where}, column scheme: {scheme!r} does not fit "
                    f"max_score {top}; use {expected!r}"
                )
            scheme = expected
        out.append(
            {
                "item_id": item_id,
                "block": _integer(where, entry, "block"),
                "position": entry.get("position"),
                "text_type": _text(entry, "text_type"),
                "process": _text(entry, "process"),
                "type": kind,
                "max_score": top,
                "key": key,
                "scheme": scheme,
                "where_": where,
            }
        )
    table = pd.DataFrame(out)
    for row in table.itertuples():
        if not _blank(row.position):
            table.at[row.Index, "position"] = _integer(
                row.where_, {"position": row.position}, "position"
            )
    auto = table.groupby("block").cumcount() + 1
    table["position"] = table["position"].where(table["position"].notna(), auto).astype(int)
    twice = table.duplicated(["block", "position"], keep="first")
    if twice.any():
        row = table[twice].iloc[0]
        raise InstrumentError(
            f"{row['_where']}, column position: block {row['block']} already "
            f"has an item at position {row['position']}"
        )
    table["max_score"] = table["max_score"].astype("int8")
    return table.drop(columns="where_").loc[:, list(ITEM_COLUMNS)].reset_index(drop=True)


def _booklets(rows: list[tuple[str, dict]], label: str, blocks: set[int]) -> pd.DataFrame:
    if not rows:
        raise InstrumentError(
            f"{label}: no booklets; the booklet design (section/sheet "
            "booklets) lists the blocks of each booklet"
        )
    out, seen = [], set()
    for where, entry in rows:
        booklet = _integer(where, entry, "booklet")
        if booklet in seen:
            raise InstrumentError(f"{where}, column booklet: booklet {booklet} is listed twice")
        seen.add(booklet)
        given = entry.get("blocks")
        parts = given if isinstance(given, list) else str(given or "").replace(",", "+").split("+")
        parts = [p for p in parts if not _blank(p)]
        if not parts:
            raise InstrumentError(
                f"{where}, column blocks: empty; list the booklet's blocks, e.g. 1+2"
            )
        for block in (_integer(where, {"blocks": p}, "blocks") for p in parts):
            if block not in blocks:
                raise InstrumentError(
                    f"{where}, column blocks: block {block} has no items in the item bank"
                )
            out.append({"booklet": booklet, "block": block})
    table = pd.DataFrame(out)
    unused = sorted(blocks - set(table["block"]))
    if unused:
        raise InstrumentError(
            f"{label}, booklets: block {unused[0]} of the item bank is in no "
            "booklet; add it to a booklet or remove its items"
        )
    return table


def _codebooks(rows: list[tuple[str, dict]], label: str) -> pd.DataFrame:
    out, seen = [], set()
    for where, entry in rows:
        questionnaire, variable = _text(entry, "questionnaire"), _text(entry, "variable")
        for column, value in (("questionnaire", questionnaire), ("variable", variable)):
            if value is None:
                raise InstrumentError(f"{where}, column {column}: empty")
        if (questionnaire, variable) in seen:
            raise InstrumentError(
                f"{where}, column variable: {variable} is listed twice in "
                f"the {questionnaire} questionnaire"
            )
        seen.add((questionnaire, variable))
        for code, code_label in _codes(where, entry.get("codes")):
            out.append(
                {
                    "questionnaire": questionnaire,
                    "variable": variable,
                    "label": _text(entry, "label"),
                    "code": code,
                    "code_label": code_label,
                }
            )
    return pd.DataFrame(out, columns=["questionnaire", "variable", "label", "code", "code_label"])


def _codes(where: str, given: Any) -> list[tuple[str, str | None]]:
    if _blank(given):
        return [("", None)]
    if isinstance(given, dict):
        return [(str(k), None if _blank(v) else str(v)) for k, v in given.items()]
    pairs = []
    for part in str(given).split(";"):
        if not part.strip():
            continue
        code, sep, text = part.partition("=")
        if not sep or not code.strip():
            raise InstrumentError(
                f"{where}, column codes: {part.strip()!r}; write codes as 1=Yes; 2=No"
            )
        pairs.append((code.strip(), text.strip() or None))
    return pairs


def write_instruments(
    path: str | Path,
    items: pd.DataFrame,
    booklets: dict[int, list[int]],
    codebooks: list[dict] | None = None,
) -> Path:
    """Write an ``instruments.yaml`` (the synthetic nation's, or a template).

    ``items``: the item columns of :data:`ITEM_COLUMNS` present; ``booklets``: booklet ->
    blocks; ``codebooks``: ``{questionnaire, variable, label, codes}`` entries.
    """
    keep = [c for c in ITEM_COLUMNS if c in items.columns]
    entries = [
        {k: _plain(v) for k, v in row.items() if not _blank(v)}
        for row in items[keep].to_dict("records")
    ]
    doc = {
        "items": entries,
        "booklets": [
            {"booklet": int(b), "blocks": [int(x) for x in blocks]}
            for b, blocks in booklets.items()
        ],
        "codebooks": codebooks or [],
    }
    head = (
        "# Instruments of the cycle: item bank (keys, maximum scores, blocks, coding "
        "schemes),\n# booklet design and questionnaire codebooks. Edit and re-run; "
        "see inputs/README.md.\n"
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        head
        + yaml.safe_dump(
            doc, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100
        ),
        encoding="utf-8",
    )
    return path


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def write_templates(folder: str | Path) -> list[Path]:
    """Write an example ``instruments.yaml`` (two items, one booklet, one codebook variable)
    into ``folder``, for ``workbench new-cycle``; an existing file is left alone."""
    path = Path(folder) / "instruments.yaml"
    if path.exists():
        return []
    items = pd.DataFrame(
        {
            "item_id": ["R101", "R102"],
            "block": [1, 1],
            "position": [1, 2],
            "text_type": ["literary", "literary"],
            "process": ["retrieve", "interpret"],
            "type": ["MC", "CR"],
            "max_score": [1, 2],
            "key": ["B", None],
            "scheme": [None, "0-1-2"],
        }
    )
    codebooks = [
        {
            "questionnaire": "student",
            "variable": "ASBG01",
            "label": "Are you a girl or a boy?",
            "codes": {1: "girl", 2: "boy", 9: "omitted"},
        }
    ]
    return [write_instruments(path, items, {1: [1]}, codebooks)]
