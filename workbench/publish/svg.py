"""Figures of the analytical report as inline SVG (no image files, no scripts, no CDN).

Each figure is an ``<svg role="img">`` with a ``<title>`` and an ``aria-label`` (its alt text),
labels in the report's language and numbers in its conventions, in the Okabe–Ito
colour-blind-safe palette (levels: a single-hue sequential scale). They print sharply.

Examples
--------
>>> svg = interval_chart([Row("A", 500.0, 490.0, 510.0)], axis="Score", alt="One group",
...                      lang="en")
>>> svg.startswith("<svg") and 'aria-label="One group"' in svg
True
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.publish._text import num

__all__ = ["Row", "interval_chart", "stacked_chart", "PALETTE", "LEVEL_COLOURS"]

#: Okabe & Ito (2008), safe for the common colour-vision deficiencies
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#8c8c8c",
}
#: five ordered levels: one hue, light to dark (readable in grey print too)
LEVEL_COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")

_WIDTH, _RIGHT, _ROW, _TOP = 760, 30, 22, 34


@dataclass(frozen=True)
class Row:
    """One row of an interval chart: a label, an estimate and its interval; optionally a wide
    and a narrow band (percentiles), a mark (▲/▼) and a highlight."""

    label: str
    estimate: float
    lower: float
    upper: float
    band: tuple[float, float] | None = None
    inner: tuple[float, float] | None = None
    mark: str = ""
    highlight: bool = False


def interval_chart(
    rows: Sequence[Row], *, axis: str, alt: str, lang: str, zero: bool = False, digits: int = 0
) -> str:
    """Dots with intervals, one row each (bands behind them when given).

    ``zero`` draws the line at zero (differences). Rows with a missing estimate are left
    out of the scale but keep their label (shown as ``–``).
    """
    values = [
        v
        for r in rows
        for v in (r.lower, r.upper, r.estimate, *(r.band or ()))
        if v is not None and math.isfinite(v)
    ]
    if zero:
        values.append(0.0)
    lo, hi = _nice(min(values, default=0.0), max(values, default=1.0))
    height = _TOP + _ROW * len(rows) + 40
    left = _left([r.label for r in rows])
    width = _WIDTH + left
    x = _scale(lo, hi, left, width)
    parts = [_open(height, alt, width), _grid(lo, hi, height, lang, digits, left, width)]
    if zero:
        parts.append(
            f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{_TOP - 6}" '
            f'y2="{height - 34}" stroke="#000" stroke-width="1.2"/>'
        )
    for i, r in enumerate(rows):
        y = _TOP + _ROW * i + _ROW / 2
        weight = "bold" if r.highlight else "normal"
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-weight="{weight}">{html.escape(r.label)}</text>'
        )
        if r.estimate is None or not math.isfinite(r.estimate):
            parts.append(f'<text x="{left + 4}" y="{y + 4:.1f}">–</text>')
            continue
        if r.band:
            parts.append(_bar(x, r.band, y, 10, PALETTE["sky"], 0.45))
        if r.inner:
            parts.append(_bar(x, r.inner, y, 10, PALETTE["blue"], 0.75))
        colour = PALETTE["vermillion"] if r.highlight else PALETTE["black"]
        if math.isfinite(r.lower) and math.isfinite(r.upper):
            parts.append(
                f'<line x1="{x(r.lower):.1f}" x2="{x(r.upper):.1f}" y1="{y:.1f}" '
                f'y2="{y:.1f}" stroke="{colour}" stroke-width="2"/>'
            )
        parts.append(f'<circle cx="{x(r.estimate):.1f}" cy="{y:.1f}" r="4.2" fill="{colour}"/>')
        label = num(r.estimate, lang, digits) + (f" {r.mark}" if r.mark else "")
        parts.append(
            f'<text x="{width - 4}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11">{html.escape(label)}</text>'
        )
    parts.append(
        f'<text x="{(left + width - _RIGHT - 40) / 2:.1f}" y="{height - 6}" '
        f'text-anchor="middle">{html.escape(axis)}</text></svg>'
    )
    return "".join(parts)


def stacked_chart(
    rows: Sequence[tuple[str, Sequence[float]]],
    *,
    levels: Sequence[str],
    axis: str,
    alt: str,
    lang: str,
) -> str:
    """Stacked horizontal bars of percentages (0-100), one row per group, with a key."""
    height = _TOP + _ROW * len(rows) + 64
    left = _left([name for name, _ in rows])
    width = _WIDTH + left
    x = _scale(0.0, 100.0, left, width)
    parts = [_open(height, alt, width), _grid(0.0, 100.0, height - 24, lang, 0, left, width)]
    for i, (name, shares) in enumerate(rows):
        y = _TOP + _ROW * i + _ROW / 2
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{html.escape(name)}</text>'
        )
        start = 0.0
        for k, share in enumerate(shares):
            if share is None or not math.isfinite(share):
                continue
            parts.append(
                _bar(x, (start, start + share), y, 14, LEVEL_COLOURS[k % 5], 1.0, stroke=True)
            )
            if share >= 7:
                ink = "#fff" if k >= 3 else "#000"
                parts.append(
                    f'<text x="{x(start + share / 2):.1f}" y="{y + 4:.1f}" '
                    f'text-anchor="middle" font-size="10" fill="{ink}">'
                    f"{html.escape(num(share, lang, 0))}</text>"
                )
            start += share
    key_y = height - 44
    for k, name in enumerate(levels):
        kx = left + k * 105
        parts.append(
            f'<rect x="{kx}" y="{key_y}" width="12" height="12" '
            f'fill="{LEVEL_COLOURS[k % 5]}" stroke="#555"/>'
            f'<text x="{kx + 16}" y="{key_y + 10}" font-size="11">'
            f"{html.escape(name)}</text>"
        )
    parts.append(
        f'<text x="{(left + width - _RIGHT) / 2:.1f}" y="{height - 6}" '
        f'text-anchor="middle">{html.escape(axis)}</text></svg>'
    )
    return "".join(parts)


def _left(labels) -> int:
    """Room for the longest row label (about 6.6 px a character at 12 px)."""
    longest = max((len(str(x)) for x in labels), default=10)
    return int(min(max(40 + 6.6 * longest, 120), 440))


def _open(height: int, alt: str, width: int) -> str:
    alt = html.escape(alt)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{alt}" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="12"><title>{alt}</title>'
    )


def _scale(lo: float, hi: float, left: int, width: int):
    span = (hi - lo) or 1.0
    return lambda v: left + (v - lo) / span * (width - left - _RIGHT - 40)


def _grid(lo: float, hi: float, height: int, lang: str, digits: int, left: int, width: int) -> str:
    x = _scale(lo, hi, left, width)
    step = _step(hi - lo)
    out, tick = [], math.ceil(lo / step) * step
    while tick <= hi + 1e-9:
        out.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{_TOP - 6}" '
            f'y2="{height - 34}" stroke="#ddd"/><text x="{x(tick):.1f}" '
            f'y="{_TOP - 12}" text-anchor="middle" font-size="11">'
            f"{html.escape(num(tick, lang, 0 if step >= 1 else 1))}</text>"
        )
        tick += step
    return "".join(out)


def _bar(x, span, y, thick, colour, opacity, stroke=False) -> str:
    a, b = span
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
        return ""
    edge = ' stroke="#555" stroke-width="0.5"' if stroke else ""
    return (
        f'<rect x="{x(min(a, b)):.1f}" y="{y - thick / 2:.1f}" '
        f'width="{abs(x(b) - x(a)):.1f}" height="{thick}" fill="{colour}" '
        f'fill-opacity="{opacity}"{edge}/>'
    )


def _step(span: float) -> float:
    raw = max(span, 1e-9) / 6
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _nice(lo: float, hi: float) -> tuple[float, float]:
    if hi <= lo:
        hi = lo + 1.0
    step = _step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step
