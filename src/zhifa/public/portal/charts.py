"""Server-rendered SVG charts for the statistics page: no JavaScript, no CDN, readable by screen
readers through <title> elements and the data table printed beside every chart."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = "#1d4ed8"
GRID = "#dee0e3"
TEXT = "#646a73"


def _nice_step(value: float) -> float:
    """A round step (1, 2 or 5 × 10^n) of at least `value`."""
    if value <= 0:
        return 1.0
    exp = 1.0
    while exp * 10 <= value:
        exp *= 10
    while exp > value:
        exp /= 10
    for mult in (1, 2, 5, 10):
        if mult * exp >= value:
            return mult * exp
    return 10 * exp


def _axis(values: Sequence[float | Decimal], *, integer: bool) -> tuple[float, float]:
    """(top, step) for about four gridlines; integer steps for counts."""
    peak = max((float(v) for v in values), default=0.0)
    step = _nice_step(peak / 4 if peak else 1)
    if integer:
        step = max(1.0, round(step))
    top = step * max(1, -(-peak // step))
    return top, step


def _num(value: float | Decimal) -> str:
    v = float(value)
    return f"{v:,.0f}" if v >= 100 or v == int(v) else f"{v:,.2f}"


def column_chart(
    labels: Sequence[str],
    values: Sequence[float | Decimal],
    *,
    title: str,
    width: int = 640,
    height: int = 220,
) -> SafeString:
    """Vertical bars (e.g. decisions per month); whole-number gridlines when every value is whole."""
    integer = all(float(v) == int(float(v)) for v in values)
    top, step = _axis(values, integer=integer)
    ticks = round(top / step)
    pad_l = 10 + 7 * len(_num(top))  # room for the widest axis label
    pad_b, pad_t, pad_r = 28, 12, 8
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    n = max(1, len(values))
    slot = plot_w / n
    bar_w = max(2.0, slot * 0.6)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(ticks + 1):
        y = pad_t + plot_h * i / ticks
        parts.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{pad_l - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{TEXT}">'
            f"{_num(step * (ticks - i))}</text>"
        )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * float(value) / top if top else 0
        x = pad_l + slot * i + (slot - bar_w) / 2
        y = pad_t + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{escape(label)}: {_num(value)}</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{height - 8}" text-anchor="middle" font-size="11" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated label is escaped above


def bar_chart(
    labels: Sequence[str], values: Sequence[float | Decimal], *, title: str, width: int = 640, row: int = 24
) -> SafeString:
    """Horizontal bars (e.g. decisions per agency), one row per label."""
    label_w, pad_r = 200, 70
    height = max(row, row * len(values)) + 8
    plot_w = width - label_w - pad_r
    top = max((float(v) for v in values), default=0) or 1.0
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 4 + row * i
        w = plot_w * float(value) / top
        short = label if len(label) <= 14 else label[:13] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + row * 0.65:.1f}" text-anchor="end" font-size="12" fill="{TEXT}">'
            f"{escape(short)}</text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{BAR}">'
            f"<title>{escape(label)}: {_num(value)}</title></rect>"
        )
        parts.append(
            f'<text x="{label_w + w + 4:.1f}" y="{y + row * 0.65:.1f}" font-size="12" fill="{TEXT}">'
            f"{_num(value)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated label is escaped above
