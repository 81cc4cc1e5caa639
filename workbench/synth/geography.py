"""Kyrgyzstan's regions and the shares behind the synthetic register.

Figures from ``shared/research/sampling.md`` §5: 7 oblasts and 2 cities of
republican significance, about 2,400 general schools, ~20 % urban by count,
single-language Kyrgyz ~58 %, Russian ~11 %, Uzbek ~1 % (Osh, Jalal-Abad,
Batken), 3 Tajik schools (Batken), ~30 % multi-language (Kyrgyz+Russian, and
Kyrgyz+Russian+Uzbek in Osh city and the south), ~8 % private, ~17 %
gymnasium/lyceum. Bishkek: 121 schools (16 Kyrgyz, 20 Russian, 85 multi);
Osh city: 71 (10 Kyrgyz, 1 Russian, 60 multi).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Region", "REGIONS", "LANGUAGES"]

#: language-of-instruction codes; "multi" is a school attribute only, classes have one language
LANGUAGES = ("ky", "ru", "uz", "tj", "multi")


@dataclass(frozen=True)
class Region:
    """One first-level unit and the make-up of its schools."""

    code: str
    number: int
    schools: int  # schools in the register (national total ~2,400)
    urban: float  # share of schools that are urban
    language: dict[str, float]  # shares of schools by language of instruction
    uzbek_in_multi: float  # share of multi-language schools that also teach in Uzbek
    private: float
    lyceum: float
    effect: float  # region's contribution to mean ability (logits)


REGIONS: tuple[Region, ...] = (
    Region("bishkek", 1, 121, 1.00, {"ky": 0.13, "ru": 0.17, "multi": 0.70}, 0.0, 0.20, 0.30, 0.10),
    Region(
        "osh_city", 2, 71, 1.00, {"ky": 0.14, "ru": 0.02, "multi": 0.84}, 0.45, 0.10, 0.25, 0.05
    ),
    Region(
        "batken",
        3,
        220,
        0.10,
        {"ky": 0.76, "ru": 0.02, "uz": 0.02, "tj": 0.014, "multi": 0.186},
        0.25,
        0.03,
        0.12,
        -0.15,
    ),
    Region("chui", 4, 400, 0.18, {"ky": 0.45, "ru": 0.25, "multi": 0.30}, 0.0, 0.08, 0.15, 0.00),
    Region(
        "issyk_kul", 5, 220, 0.14, {"ky": 0.68, "ru": 0.10, "multi": 0.22}, 0.0, 0.05, 0.15, -0.02
    ),
    Region(
        "jalal_abad",
        6,
        500,
        0.11,
        {"ky": 0.68, "ru": 0.03, "uz": 0.015, "multi": 0.275},
        0.20,
        0.05,
        0.14,
        -0.10,
    ),
    Region("naryn", 7, 150, 0.08, {"ky": 0.90, "ru": 0.01, "multi": 0.09}, 0.0, 0.03, 0.12, -0.12),
    Region(
        "osh",
        8,
        580,
        0.08,
        {"ky": 0.66, "ru": 0.02, "uz": 0.012, "multi": 0.308},
        0.30,
        0.05,
        0.14,
        -0.12,
    ),
    Region("talas", 9, 130, 0.09, {"ky": 0.85, "ru": 0.02, "multi": 0.13}, 0.0, 0.03, 0.12, -0.05),
)
