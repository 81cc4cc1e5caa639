"""Words of the analytical report and the site (``workbench/texts/report.yaml``).

Examples
--------
>>> say("summary", "ru")
'Основные выводы'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from workbench.labels import LANGS, label
from workbench.report import format_number

__all__ = ["say", "words", "num", "group_label", "LANGS"]

_FILE = Path(__file__).resolve().parents[1] / "texts" / "report.yaml"


@cache
def words() -> dict:
    """Every entry of ``texts/report.yaml``: ``key -> {ky, ru, en}``."""
    return yaml.safe_load(_FILE.read_text(encoding="utf-8"))


def say(key: str, lang: str, **values: object):
    """The text ``key`` in ``lang`` with ``values`` filled in.

    Raises
    ------
    KeyError
        If ``key`` is not in ``texts/report.yaml`` or has no ``lang``.
    """
    if lang not in LANGS:
        raise ValueError(f"say: unknown language {lang!r}; use one of {', '.join(LANGS)}")
    entry = words().get(key)
    if entry is None or lang not in entry:
        raise KeyError(
            f"say: no text {key!r} in {lang!r} in workbench/texts/report.yaml; add it there"
        )
    text = entry[lang]
    return text.format(**values) if values and isinstance(text, str) else text


def num(value: object, lang: str, digits: int = 1) -> str:
    """A number in the language's conventions (:func:`workbench.report.format_number`);
    negative numbers with a true minus sign.

    Examples
    --------
    >>> num(-12.34, "ky"), num(1234.5, "en", 0)
    ('−12,3', '1,234')
    """
    text = format_number(value, lang, digits)
    return text.replace("-", "−") if text.startswith("-") else text


def group_label(code: object, lang: str) -> str:
    """The label of a group code (``all`` is the nation), translated where a label exists."""
    code = str(code)
    if code == "all":
        return say("national", lang)
    if code in words() and isinstance(words()[code], dict):
        return say(code, lang)
    return label(code, lang)
