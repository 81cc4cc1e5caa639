"""The proficiency levels a cycle stores are codes; each page names them in its language.

Reference: the PIRLS benchmark names of the label file (``workbench/texts/labels_scaling.yaml``,
read here directly), the cut scores of the demo's parameters and the page scan of
:func:`tests.test_languages.leaks` (no English word on a ky/ru page).
"""

from __future__ import annotations

import pandas as pd
import yaml

from tests.test_languages import leaks
from workbench.labels import LANGS, label
from workbench.paths import PROJECT_ROOT
from workbench.release.technical import technical_html, technical_tables
from workbench.scaling.levels import LEVEL_CODES, level_label, proficiency_levels

CUTS = [400, 475, 550, 625]
NAMES = yaml.safe_load(
    (PROJECT_ROOT / "workbench" / "texts" / "labels_scaling.yaml").read_text(encoding="utf-8")
)


def test_the_stored_levels_are_codes_whatever_the_cycle_language():
    stored = proficiency_levels(CUTS)
    assert stored["name"].tolist() == ["below_low", "low", "intermediate", "high", "advanced"]
    assert stored["description"].tolist() == [f"pirls_level_{k}_text" for k in range(5)]
    assert stored["lower"].tolist()[1:] == [400.0, 475.0, 550.0, 625.0]
    assert stored.columns.tolist() == ["level", "name", "lower", "upper", "description"]
    generic = proficiency_levels([450, 550])  # not the four PIRLS cuts: numbered
    assert generic["name"].tolist() == ["0", "1", "2"] and set(generic["description"]) == {""}


def test_each_code_is_named_in_each_language_as_the_label_file_says():
    for lang in LANGS:
        for k, code in enumerate(LEVEL_CODES):
            assert level_label(code, lang) == NAMES[f"pirls_level_{k}"][lang], (lang, code)
            words = NAMES[f"pirls_level_{k}_text"][lang]
            assert level_label(code, lang, description=True) == words
        assert level_label("2", lang) == "2"  # a generic level: its number
    assert level_label("Низкий", "ky") == "Низкий"  # an older cycle's stored name: as it is
    assert level_label(None, "ru") == ""


def test_the_technical_chapter_names_the_stored_levels_in_the_page_language(tmp_path):
    stored = {"proficiency_levels": proficiency_levels(CUTS)}
    for lang in LANGS:
        levels = technical_tables(stored, lang=lang)["levels"]
        assert levels["name"].tolist() == [NAMES[f"pirls_level_{k}"][lang] for k in range(5)]
        page = technical_html(
            tmp_path / f"technical_{lang}.html",
            title="t",
            intro="",
            sections={key: label(key, lang) for key in ("levels", "codebook")},
            tables={"levels": levels},
            codebook=_codebook(),
            lang=lang,
        ).read_text(encoding="utf-8")
        assert NAMES["pirls_level_2"][lang] in page
        if lang != "en":
            assert leaks(page, lang) == [], lang  # "intermediate" has no ky label of its own


def _codebook() -> pd.DataFrame:
    """An empty release codebook (the columns the technical page shows)."""
    columns = ["file", "variable", "type", "n_valid", "n_omitted", "n_not_reached", "n_sysmis"]
    per_language = [f"{c}_{x}" for c in ("label", "values", "missing_codes") for x in LANGS]
    return pd.DataFrame(columns=[*columns, *per_language, "frequencies"])
