"""Report helpers: three languages everywhere, formatted numbers, suppression, headlines."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

import workbench
from workbench.labels import LABELS, LANGS, label
from workbench.report import HEADLINE_MIME, format_number, headline, table, text
from workbench.synth.geography import LANGUAGES, REGIONS

TEXTS = Path(workbench.__file__).parent / "texts"


def test_every_label_has_three_nonempty_languages():
    for key, words in LABELS.items():
        assert len(words) == 3 and all(w.strip() for w in words), key


def test_every_code_of_the_nation_has_a_label():
    codes = (
        [r.code for r in REGIONS]
        + list(LANGUAGES)
        + ["urban", "rural", "general", "lyceum", "private"]
    )
    for code in codes:
        assert code in LABELS, code


@pytest.mark.parametrize("path", sorted(TEXTS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_narrative_text_exists_in_every_language(path):
    for key, versions in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        # field-data messages also carry the English `log` template (when it differs from the
        # page's `en`) and the `pattern` that recognises an old log's English message
        assert set(versions) - {"pattern", "log"} == set(LANGS), f"{path.name}:{key}"


def test_a_label_key_is_defined_once(tmp_path):
    """Every page shares one table of labels: a key a second file defines again (the
    teacher-education `student` once turned the Sabat-6 participation row "Учащиеся" into
    "студент") is refused at import, naming both places."""
    from workbench.labels import _extra_labels

    words = '{ky: "окуучу", ru: "студент", en: "student"}'
    (tmp_path / "labels_a.yaml").write_text(f"pupil: {words}\n", encoding="utf-8")
    assert _extra_labels(tmp_path, {}) == {"pupil": ("окуучу", "студент", "student")}
    with pytest.raises(ValueError, match=r"labels_a.yaml: label 'pupil' is already .*labels.py"):
        _extra_labels(tmp_path, {"pupil": ("Окуучулар", "Учащиеся", "Pupils")})
    (tmp_path / "labels_b.yaml").write_text(f"pupil: {words}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"labels_b.yaml: label 'pupil' .* in labels_a.yaml"):
        _extra_labels(tmp_path, {})
    assert label("student", "ru") == "Учащиеся"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'de'"):
        label("urban", "de")


def test_unknown_key_falls_back_to_itself():
    assert label("no_such_key", "ky") == "no_such_key"


def test_unknown_text_is_named():
    with pytest.raises(KeyError, match="no text 'nope' for stage 'frame'"):
        text("frame", "nope", lang="en")


def test_numbers_follow_each_language():
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(1234567, "ru") == "1\u202f234\u202f567"
    assert format_number(2.26, "ky", 1) == "2,3"
    assert format_number(float("nan"), "en") == "–"
    assert format_number("abc", "en") == "abc"


def test_table_translates_headers_and_codes_but_not_verbatim_columns():
    data = pd.DataFrame({"school_id": ["urban"], "locality": ["urban"], "schools": [1200]})
    html = table(data, lang="ru", verbatim=("school_id",)).to_html()
    assert "Город / село" in html and "город" in html and "1\u202f200" in html
    assert ">urban<" in html


def test_table_does_not_change_its_input():
    data = pd.DataFrame({"region": ["chui"], "students": [12.345]})
    before = data.copy()
    table(data, lang="ky")
    pd.testing.assert_frame_equal(data, before)


def test_headline_is_visible_and_machine_readable():
    bundle = headline("schools", 2398, lang="ky")._repr_mimebundle_()
    assert "Мектептер" in bundle["text/html"]
    assert bundle[HEADLINE_MIME] == {
        "key": "schools",
        "label": "Мектептер",
        "value": 2398,
        "text": "2\u202f398",
    }


class _Cells(HTMLParser):
    """The text of every header and data cell of a table's HTML, and the tags it opens."""

    def __init__(self, page: str):
        super().__init__()
        self.tags, self.cells, self._cell = [], [], None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("th", "td"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.cells.append((tag, self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def test_markup_in_a_cell_or_column_name_is_shown_as_text():
    data = pd.DataFrame(
        {"school_id": ["<script>alert(1)</script>", "S&P"], "x<y": ["<b>bold</b> text", "a & b"]}
    )
    page = _Cells(table(data, lang="en", verbatim=("school_id",)).to_html())
    assert "script" not in page.tags and "b" not in page.tags
    shown = [text for tag, text in page.cells if tag == "td"]
    assert shown == ["<script>alert(1)</script>", "<b>bold</b> text", "S&P", "a & b"]
    assert ("th", "x<y") in page.cells


def test_suppression_note_keeps_its_less_than_sign_as_text():
    data = pd.DataFrame({"region": ["chui", "naryn"], "estimate": [480.0, 501.0], "n": [9, 420]})
    page = table(data, lang="en", suppress_below=10).to_html()
    assert "n &lt; 10" in page and "n < 10" not in page
    assert ("td", "n < 10: suppressed") in _Cells(page).cells


def test_values_are_not_labelled_by_the_labels_of_column_names():
    assert label("a", "en") == "a (slope)" and label("b", "en") == "b (difficulty)"
    data = pd.DataFrame(
        {
            "item_id": ["a", "b", "c"],
            "region": ["chui", "a/b", "chui/urban"],
            "a": [1.2, 0.8, 1.0],
            "b": [-0.5, 0.0, 0.5],
        }
    )
    page = _Cells(table(data, lang="en").to_html())
    rows = [text for tag, text in page.cells if tag == "td"]
    assert rows[:4] == ["a", "Chui", "1.2", "-0.5"] and rows[4:6] == ["b", "a / b"]
    assert rows[9] == "Chui / urban"  # codes are still labelled
    assert ("th", "a (slope)") in page.cells and ("th", "b (difficulty)") in page.cells
