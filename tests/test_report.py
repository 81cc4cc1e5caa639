"""Report helpers: three languages everywhere, formatted numbers, suppression, headlines."""

from __future__ import annotations

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
        assert set(versions) == set(LANGS), f"{path.name}:{key}"


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
