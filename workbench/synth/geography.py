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
    schools: int            # schools in the register (national total ~2,400)
    urban: float            # share of schools that are urban
    language: dict[str, float]  # shares of schools by language of instruction
    uzbek_in_multi: float   # share of multi-language schools that also teach in Uzbek
    private: float
    lyceum: float
    effect: float           # region's contribution to mean ability (logits)


REGIONS: tuple[Region, ...] = (
    Region("bishkek", 1, 121, 1.00, {"ky": .13, "ru": .17, "multi": .70}, 0.0, .20, .30, .10),
    Region("osh_city", 2, 71, 1.00, {"ky": .14, "ru": .02, "multi": .84}, .45, .10, .25, .05),
    Region("batken", 3, 220, .10,
           {"ky": .76, "ru": .02, "uz": .02, "tj": .014, "multi": .186}, .25, .03, .12, -.15),
    Region("chui", 4, 400, .18, {"ky": .45, "ru": .25, "multi": .30}, 0.0, .08, .15, .00),
    Region("issyk_kul", 5, 220, .14, {"ky": .68, "ru": .10, "multi": .22}, 0.0, .05, .15, -.02),
    Region("jalal_abad", 6, 500, .11,
           {"ky": .68, "ru": .03, "uz": .015, "multi": .275}, .20, .05, .14, -.10),
    Region("naryn", 7, 150, .08, {"ky": .90, "ru": .01, "multi": .09}, 0.0, .03, .12, -.12),
    Region("osh", 8, 580, .08,
           {"ky": .66, "ru": .02, "uz": .012, "multi": .308}, .30, .05, .14, -.12),
    Region("talas", 9, 130, .09, {"ky": .85, "ru": .02, "multi": .13}, 0.0, .03, .12, -.05),
)
