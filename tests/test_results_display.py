"""Views of the results exhibits for the stage report: numbers kept as numbers, labels per
language, and the per-language columns of ``wb.report.table``.

Reference: hand-made tables whose expected cells are written out here (the page of each
language is read back from the stored display, as the runner renders it).
"""

from __future__ import annotations

import pandas as pd

from workbench.report import I18N_MIME, localized_html, table


def _page(shown, lang: str) -> str:
    return localized_html(shown._repr_mimebundle_()[I18N_MIME], lang)["text/html"]


def test_a_localized_column_shows_each_language_its_own_text():
    data = pd.DataFrame(
        {"term_ky": ["Китептер"], "term_ru": ["Книги"], "term_en": ["Books"], "n": [1200]}
    )
    shown = table(data, lang="ky", localized=("term",))
    ru, en = _page(shown, "ru"), _page(shown, "en")
    assert ">Книги<" in ru and "Books" not in ru and "Китептер" not in ru
    assert ">Books<" in en and "1,200" in en and "1\u202f200" in ru
