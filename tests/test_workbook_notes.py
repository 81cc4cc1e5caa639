"""The notes sheet of the results workbook is worded in the cycle's language: on a ky or ru
cycle no English word is left in it (headers, sections, rules, counts, reasons), checked on
the workbook written by ``workbench.results.publish`` and read back from the file."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.test_languages import ON_PURPOSE
from tests.test_results_rules import RULES, table
from workbench.results import publish, workbook_path

CYCLE = "notes-test"
SOURCE = "Сабат-6, 2026"


def _notes(lang: str) -> pd.DataFrame:
    gaps = table(n=[5, 50], group=["naryn", "talas"], group_var=["region", "region"])
    publish(CYCLE, {"results_gaps": gaps}, RULES, lang=lang, source=SOURCE)
    return pd.read_excel(workbook_path(CYCLE), sheet_name="notes", dtype=str).fillna("")


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_no_english_word_in_the_notes_sheet_of_a_kyrgyz_or_russian_cycle(outputs_root, lang):
    notes = _notes(lang)
    cells = [*map(str, notes.columns), *notes.to_numpy().ravel().tolist()]
    text = " ".join(c for c in cells if c != CYCLE)  # the cycle's id is a code, not a word
    words = set(re.findall(r"[A-Za-z]{2,}", text)) - set(ON_PURPOSE)
    assert not words, sorted(words)
    assert len(notes) >= 3 + 4  # cycle, source, date and the four rules at least
    # the counts are there, worded: 1 of the 2 rows is below the minimum n
    counted = {"ky": "2 саптын 1", "ru": "1 из 2 строк"}[lang]
    assert any(counted in c for c in cells), cells


def test_an_english_cycle_keeps_english_notes(outputs_root):
    notes = _notes("en")
    assert list(notes.columns) == ["Section", "Item", "Text"]
    assert "1 of 2 rows" in " ".join(notes["Text"])
