"""Direct identifiers as field forms carry them: names, birth dates, personal numbers (PIN).

Kyrgyz names keep the letters ң ө ү; :func:`russian_spelling` gives the spelling used in
Windows-1251 files, which cannot hold them. The PIN follows the Kyrgyz personal number:
14 digits, a sex digit (1 female, 2 male), the birth date as ``DDMMYYYY`` and 5 serial
digits. All of it is synthetic.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = ["person_names", "adult_names", "birth_dates", "personal_numbers", "russian_spelling"]

_KY_BOYS = (
    "Азамат",
    "Бекжан",
    "Нурбек",
    "Эрлан",
    "Үмөт",
    "Өмүрбек",
    "Нурсултан",
    "Айбек",
    "Тилек",
    "Эмир",
    "Адилет",
    "Мирлан",
    "Бакыт",
    "Данияр",
    "Элдияр",
    "Жаңыбек",
    "Төлөн",
    "Күбанычбек",
    "Мээрбек",
    "Нурислам",
)
_KY_GIRLS = (
    "Айгерим",
    "Айпери",
    "Бегимай",
    "Нурайым",
    "Гүлнара",
    "Сезим",
    "Мээрим",
    "Айжан",
    "Жылдыз",
    "Үмүт",
    "Акылай",
    "Назира",
    "Гүлзат",
    "Чолпон",
    "Көкүл",
    "Айзирек",
    "Өмүркан",
    "Мөлмөл",
    "Нуриза",
    "Жаңыл",
)
_KY_SURNAMES = (
    "Асанов",
    "Осмонов",
    "Токтогулов",
    "Жээнбеков",
    "Сатыбалдиев",
    "Бөкөнбаев",
    "Үсөнов",
    "Турдуев",
    "Мамытов",
    "Абдыкеримов",
    "Кадыров",
    "Эшматов",
    "Жумабаев",
    "Сулайманов",
    "Аманов",
    "Бекташев",
    "Төлөгөнов",
    "Сүйүнбаев",
    "Көчкөнов",
    "Маңкеев",
)
_KY_FATHERS = ("Асан", "Үсөн", "Төлөн", "Бакыт", "Жолдош", "Мырзабек", "Кеңеш", "Өмүр")
_RU_BOYS = ("Иван", "Дмитрий", "Артём", "Максим", "Александр", "Никита", "Даниил", "Тимур")
_RU_GIRLS = ("Анастасия", "Алина", "Виктория", "Дарья", "Полина", "Екатерина", "Софья", "Милана")
_RU_SURNAMES = (
    "Иванов",
    "Петров",
    "Смирнов",
    "Ким",
    "Кузнецов",
    "Попов",
    "Морозов",
    "Пак",
    "Волков",
    "Лебедев",
)
_UZ_BOYS = ("Азизбек", "Жахонгир", "Ислом", "Шохрух", "Бобур", "Абдулла", "Отабек", "Фаррух")
_UZ_GIRLS = ("Шахзода", "Мадина", "Дилноза", "Гулноза", "Зарина", "Нилуфар", "Мохинур", "Севара")
_UZ_SURNAMES = (
    "Юсупов",
    "Рахимов",
    "Каримов",
    "Абдуллаев",
    "Исмаилов",
    "Ташматов",
    "Назаров",
    "Хамидов",
)
_POOLS = {
    "ky": (_KY_BOYS, _KY_GIRLS, _KY_SURNAMES),
    "ru": (_RU_BOYS, _RU_GIRLS, _RU_SURNAMES),
    "uz": (_UZ_BOYS, _UZ_GIRLS, _UZ_SURNAMES),
}
#: share of students of a class language whose names come from another pool
_MIX = {
    "ky": {"ky": 1.0},
    "ru": {"ru": 0.5, "ky": 0.5},
    "uz": {"uz": 0.9, "ky": 0.1},
    "tj": {"uz": 0.8, "ky": 0.2},
}
_TO_RUSSIAN = str.maketrans("ңөүҢӨҮ", "ноуНОУ")


def russian_spelling(text: str) -> str:
    """Spell a Kyrgyz name as Russian-language forms do (ң ө ү become н о у).

    Examples
    --------
    >>> russian_spelling("Бөкөнбаев Жаңыбек Үмөт")
    'Боконбаев Жаныбек Умот'
    """
    return text.translate(_TO_RUSSIAN)


def person_names(
    rng: np.random.Generator, female: np.ndarray, language: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Surnames and first names for students of the given sex and class language.

    Returns
    -------
    tuple of numpy.ndarray
        ``(surname, first_name)``, Kyrgyz spelling (Kyrgyz letters kept).

    Examples
    --------
    >>> s, f = person_names(np.random.default_rng(1), np.array([1, 0]), np.array(["ky", "ru"]))
    >>> len(s), len(f)
    (2, 2)
    """
    n = len(female)
    surname = np.empty(n, dtype=object)
    first = np.empty(n, dtype=object)
    pool = np.array([_pick_pool(rng, lang) for lang in language], dtype=object)
    for key, (boys, girls, surnames) in _POOLS.items():
        mask = pool == key
        girl = mask & (female == 1)
        boy = mask & (female != 1)
        first[girl] = rng.choice(girls, girl.sum())
        first[boy] = rng.choice(boys, boy.sum())
        base = rng.choice(surnames, mask.sum())
        surname[mask] = [_surname(s, f == 1) for s, f in zip(base, female[mask], strict=True)]
    patronymic = (pool == "ky") & (rng.random(n) < 0.15)
    fathers = rng.choice(_KY_FATHERS, n)
    surname[patronymic] = [
        f"{f} {'кызы' if g == 1 else 'уулу'}"
        for f, g in zip(fathers[patronymic], female[patronymic], strict=True)
    ]
    return surname, first


def adult_names(rng: np.random.Generator, n: int, female_share: float = 0.8) -> np.ndarray:
    """``"Surname First-name"`` of teachers or principals (mostly women, Kyrgyz pool).

    Examples
    --------
    >>> adult_names(np.random.default_rng(3), 2).shape
    (2,)
    """
    female = (rng.random(n) < female_share).astype(int)
    language = rng.choice(["ky", "ky", "ky", "ru"], n)
    surname, first = person_names(rng, female, language)
    return np.array([f"{s} {f}" for s, f in zip(surname, first, strict=True)], dtype=object)


def birth_dates(
    rng: np.random.Generator, n: int, year: int, older_share: float = 0.06
) -> pd.Series:
    """Birth dates of grade-6 students tested in spring ``year`` (born Sep ``year-13`` to
    Aug ``year-12``; ``older_share`` one year older).

    Examples
    --------
    >>> d = birth_dates(np.random.default_rng(2), 500, 2026)
    >>> int(d.dt.year.min()) >= 2012, int(d.dt.year.max()) <= 2014
    (True, True)
    """
    start = np.datetime64(f"{year - 13}-09-01")
    days = rng.integers(0, 365, n) - 365 * (rng.random(n) < older_share)
    return pd.Series(start + days.astype("timedelta64[D]")).astype("datetime64[s]")


def personal_numbers(rng: np.random.Generator, female: np.ndarray, birth: pd.Series) -> np.ndarray:
    """14-digit personal numbers: sex digit (1 female, 2 male), ``DDMMYYYY``, 5 serial digits.

    Examples
    --------
    >>> pin = personal_numbers(np.random.default_rng(4), np.array([1]),
    ...                        pd.Series(pd.to_datetime(["2013-05-14"])))
    >>> pin[0][:9], len(pin[0])
    ('114052013', 14)
    """
    serial = rng.integers(0, 100_000, len(female))
    days = [d.strftime("%d%m%Y") if isinstance(d, dt.date) else "" for d in birth]
    return np.array(
        [f"{1 if f == 1 else 2}{d}{s:05d}" for f, d, s in zip(female, days, serial, strict=True)],
        dtype=object,
    )


def _pick_pool(rng: np.random.Generator, language: str) -> str:
    mix = _MIX.get(language, _MIX["ky"])
    keys = list(mix)
    return keys[0] if len(keys) == 1 else str(rng.choice(keys, p=list(mix.values())))


def _surname(base: str, female: bool) -> str:
    if female and base.endswith(("ов", "ев", "ин")):
        return base + "а"
    return base
