"""A server-side SVG column chart for monthly trends (no JavaScript, no chart library: prints and works
offline). Horizontal bars come from `supervision.stats.charts.bar_chart`."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COLOURS = ("#1d4ed8", "#f59e0b", "#059669")
HEIGHT = 160
COL_W = 34


def column_chart(
    months: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, title: str
) -> SafeString:
    """One group of columns per month, one column per series, with a legend."""
    if not months or not series:
        return mark_safe("")
    peak = max((max(values) if values else 0) for _label, values in series) or 1
    width = 40 + COL_W * len(months)
    bar = max(4, (COL_W - 6) // len(series))
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {HEIGHT + 60}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<line x1="36" y1="{HEIGHT + 10}" x2="{width}" y2="{HEIGHT + 10}" stroke="#c9cdd4"/>'
        f'<text x="32" y="18" text-anchor="end" font-size="10" fill="#646a73">{peak}</text>'
    ]
    for i, month in enumerate(months):
        x0 = 40 + i * COL_W
        for s, (_label, values) in enumerate(series):
            v = values[i] if i < len(values) else 0
            h = round(HEIGHT * v / peak)
            parts.append(
                f'<rect x="{x0 + s * bar}" y="{HEIGHT + 10 - h}" width="{bar - 1}" height="{h}" '
                f'fill="{COLOURS[s % len(COLOURS)]}"><title>{escape(month)} {escape(_label)}：{v}</title></rect>'
            )
        parts.append(
            f'<text x="{x0 + COL_W // 2 - 3}" y="{HEIGHT + 24}" text-anchor="middle" font-size="9" '
            f'fill="#646a73">{escape(month[5:])}</text>'
        )
    for s, (label, _values) in enumerate(series):
        x = 40 + s * 110
        parts.append(
            f'<rect x="{x}" y="{HEIGHT + 38}" width="10" height="10" fill="{COLOURS[s % len(COLOURS)]}"/>'
            f'<text x="{x + 14}" y="{HEIGHT + 47}" font-size="11" fill="#1f2329">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated text is escaped above
