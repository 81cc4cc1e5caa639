"""The results workbook (stage: results): every exhibit one sheet, plus a sheet of notes.

``outputs/<cycle>/tables/results.xlsx``: one sheet per table (the tidy catalog table, with
its flags), and ``notes``: the source of the figures, each reporting rule with its symbol
and how many rows it touched, and the date it was written, in the cycle's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from workbench.atomic import write_with
from workbench.labels import label
from workbench.paths import cycle_dir

__all__ = ["workbook_path", "write_workbook", "notes_table"]

#: Excel's limit on sheet names
_SHEET_NAME = 31


def workbook_path(cycle: str) -> Path:
    """``outputs/<cycle>/tables/results.xlsx``."""
    return cycle_dir(cycle) / "tables" / "results.xlsx"


def notes_table(
    *,
    cycle: str,
    source: str,
    legend: pd.DataFrame,
    counts: pd.DataFrame,
    when: dt.datetime | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """The notes sheet in ``lang`` (the cycle's language): three columns (``notes_section,
    notes_item, notes_text`` labelled) with the source, date, rules and their counts; the
    words from ``workbench/texts/labels_workbook.yaml``, tables and reasons labelled.

    Examples
    --------
    >>> legend = pd.DataFrame({"symbol": ["†"], "meaning": ["SE above 10 points"]})
    >>> counts = pd.DataFrame({"table": ["t"], "rule": ["se"], "rows": [3], "touched": [1],
    ...                        "status": ["applied"], "reason": [""]})
    >>> n = notes_table(cycle="c", source="s", legend=legend, counts=counts,
    ...                 when=dt.datetime(2026, 1, 1), lang="ru")
    >>> list(n.columns), n.iloc[:, 0].tolist()[-1], n.iloc[-1, 2]
    (['Раздел', 'Элемент', 'Содержание'], 'Правило применено', '1 из 3 строк')
    """
    when = when or dt.datetime.now(dt.UTC)
    rows = [
        ("notes_cycle", "", cycle),
        ("notes_source", "", source),
        ("notes_written", "", when.isoformat(sep=" ", timespec="seconds")),
    ]
    rows += [("notes_legend", r.symbol, r.meaning) for r in legend.itertuples(index=False)]
    rows += [
        (
            f"notes_rule_{r.status}",
            f"{label(r.table, lang)}: {label(f'notes_rule_{r.rule}', lang)}",
            " ".join(
                [label("notes_rows", lang).format(touched=r.touched, rows=r.rows)]
                + ([label(r.reason, lang)] if r.reason else [])
            ),
        )
        for r in counts.itertuples(index=False)
    ]
    columns = [label(c, lang) for c in ("notes_section", "notes_item", "notes_text")]
    return pd.DataFrame(
        [(label(section, lang), item, text) for section, item, text in rows], columns=columns
    )


def write_workbook(path: Path, tables: Mapping[str, pd.DataFrame], notes: pd.DataFrame) -> Path:
    """Write ``tables`` (one sheet each, in order) and ``notes`` (first sheet) atomically.

    Raises
    ------
    ValueError
        If two table names are the same once cut to Excel's 31 characters.
    """
    names = [name[:_SHEET_NAME] for name in tables]
    if len(set(names)) != len(names) or "notes" in names:
        raise ValueError(
            f"write_workbook: sheet names must be unique within 31 characters and "
            f"not 'notes' ({names}); rename the tables."
        )

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            notes.to_excel(writer, sheet_name="notes", index=False)
            for name, table in tables.items():
                _plain(table).to_excel(writer, sheet_name=name[:_SHEET_NAME], index=False)

    return write_with(Path(path), write)


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """Nullable and categorical columns as plain objects Excel can hold."""
    out = table.copy()
    for column in out.columns:
        if isinstance(
            out[column].dtype, (pd.CategoricalDtype, pd.BooleanDtype, pd.Int64Dtype, pd.StringDtype)
        ):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out
