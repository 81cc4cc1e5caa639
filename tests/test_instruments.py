"""Instruments as files a researcher edits (workbench.instruments): YAML and Excel read alike,
every fault one line naming file, sheet/section, row and column; the synthetic nation's bank
survives the round trip through instruments.yaml."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbench.instruments import (
    InstrumentError,
    instruments_file,
    read_instruments,
    write_instruments,
    write_templates,
)

ITEMS = [
    ["item_id", "block", "position", "type", "max_score", "key", "scheme", "process"],
    ["R101", 1, 1, "MC", 1, "B", None, "retrieve"],
    ["R102", 1, 2, "CR", 2, None, "0-1-2", "interpret"],
    ["R201", 2, 1, "MC", 1, "d", None, "infer"],
]
BOOKLETS = [["booklet", "blocks"], [1, "1+2"], [2, "2+1"]]
CODEBOOKS = [
    ["questionnaire", "variable", "label", "codes"],
    ["student", "ASBG01", "Sex", "1=girl; 2=boy; 9=omitted"],
]


def workbook(folder, items=ITEMS, booklets=BOOKLETS, codebooks=CODEBOOKS):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in (("items", items), ("booklets", booklets), ("codebooks", codebooks)):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(folder / "instruments.xlsx")
    return folder


def test_excel_workbook_gives_items_booklets_and_codebooks(tmp_path):
    found = read_instruments(workbook(tmp_path))
    items = found.items.set_index("item_id")
    assert items.loc["R201", "key"] == "D"  # keys upper-cased
    assert items.loc["R102", ["max_score", "scheme"]].tolist() == [2, "0-1-2"]
    assert pd.isna(items.loc["R101", "scheme"])
    assert found.booklets.values.tolist() == [[1, 1], [1, 2], [2, 2], [2, 1]]
    assert found.codebooks[["code", "code_label"]].values.tolist() == [
        ["1", "girl"],
        ["2", "boy"],
        ["9", "omitted"],
    ]


@pytest.mark.parametrize(
    ("line", "column", "value", "message"),
    [
        (
            1,
            "max_score",
            2,
            r"instruments.xlsx, sheet items, row 2 \(R101\), column max_score: a "
            "multiple-choice item scores 0 or 1, not 2",
        ),
        (1, "key", None, r"row 2 \(R101\), column key: None; a multiple-choice item needs its key"),
        (2, "type", "open", r"row 3 \(R102\), column type: 'open'; use MC"),
        (2, "scheme", "0-1", r"row 3 \(R102\), column scheme: '0-1' does not fit max_score 2"),
        (3, "item_id", "R101", r"row 4, column item_id: R101 is already at row 2"),
        (3, "block", "two", r"row 4 \(R201\), column block: 'two' is not a whole number"),
    ],
)
def test_excel_faults_name_file_sheet_row_and_column(tmp_path, line, column, value, message):
    items = [list(row) for row in ITEMS]
    items[line][ITEMS[0].index(column)] = value
    with pytest.raises(InstrumentError, match=message):
        read_instruments(workbook(tmp_path, items=items))


def test_booklet_design_must_cover_the_bank(tmp_path):
    with pytest.raises(
        InstrumentError,
        match=r"sheet booklets, row 2, column blocks: block 7 "
        "has no items",
    ):
        read_instruments(workbook(tmp_path, booklets=[["booklet", "blocks"], [1, "1+7"]]))
    with pytest.raises(
        InstrumentError, match="booklets: block 2 of the item bank is in no booklet"
    ):
        read_instruments(workbook(tmp_path, booklets=[["booklet", "blocks"], [1, "1"]]))


def test_yaml_faults_name_the_entry(tmp_path):
    (tmp_path / "instruments.yaml").write_text(
        "items:\n  - {item_id: R1, block: 1, type: MC, key: A}\n"
        "  - {item_id: R2, block: 1, type: CR, max_score: 4}\nbooklets: [{booklet: 1, "
        "blocks: [1]}]\n",
        encoding="utf-8",
    )
    with pytest.raises(
        InstrumentError,
        match=r"^instruments/instruments.yaml, items entry 2 "
        r"\(R2\), column max_score: 4; a constructed",
    ):
        read_instruments(tmp_path, shown="instruments/")
    (tmp_path / "instruments.yaml").write_text("items: [\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="line 2: not valid YAML"):
        read_instruments(tmp_path)
    (tmp_path / "instruments.yaml").write_text("item: []\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="unknown section 'item'"):
        read_instruments(tmp_path)


def test_missing_or_doubled_file_is_one_sentence(tmp_path):
    with pytest.raises(InstrumentError, match=r"^x/: no instruments.yaml or instruments.xlsx"):
        read_instruments(tmp_path, shown="x/")
    workbook(tmp_path)
    write_templates(tmp_path)
    with pytest.raises(InstrumentError, match="both instruments.yaml and instruments.xlsx"):
        instruments_file(tmp_path)


def test_template_is_a_valid_instruments_file(tmp_path):
    assert write_templates(tmp_path) == [tmp_path / "instruments.yaml"]
    assert write_templates(tmp_path) == []  # never overwritten
    assert read_instruments(tmp_path).items["item_id"].tolist() == ["R101", "R102"]


def test_synthetic_bank_round_trips_through_instruments_yaml(tmp_path):
    from workbench.synth import make_nation
    from workbench.synth.inputs import write_inputs

    nation = make_nation(seed=5, schools=120, items=24, blocks=4)
    write_inputs(nation, tmp_path)
    found = read_instruments(tmp_path / "instruments")
    bank = nation.tables["items"]
    columns = ["item_id", "block", "position", "type", "max_score", "text_type", "process"]
    pd.testing.assert_frame_equal(found.items[columns], bank[columns], check_dtype=False)
    assert (found.items["key"].fillna("") == bank["key"].fillna("")).all()
    cr = found.items["type"] == "CR"
    assert (found.items.loc[cr, "scheme"].str.count("-") == bank.loc[cr, "max_score"]).all()
    # booklet k holds blocks k and k+1 (wrapping), as the nation's responses were drawn
    pairs = found.booklets.groupby("booklet")["block"].apply(list).tolist()
    assert pairs == [[1, 2], [2, 3], [3, 4], [4, 1]]
    assert {"student", "teacher", "principal", "parent"} <= set(found.codebooks["questionnaire"])


def test_written_file_reads_back_unchanged(tmp_path):
    items = pd.DataFrame(
        {
            "item_id": ["A1", "A2"],
            "block": np.array([1, 1]),
            "type": ["CR", "MC"],
            "max_score": [3, 1],
            "key": [None, "C"],
        }
    )
    write_instruments(tmp_path / "instruments.yaml", items, {1: [1]})
    found = read_instruments(tmp_path).items.fillna("")
    assert found[["item_id", "position", "max_score", "scheme", "key"]].values.tolist() == [
        ["A1", 1, 3, "0-1-2-3", ""],
        ["A2", 2, 1, "", "C"],
    ]
