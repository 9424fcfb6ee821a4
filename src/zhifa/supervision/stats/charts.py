"""Server-side SVG bar charts: no JavaScript and no chart library, so they print and work offline."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW = 26
LABEL_W = 150
BAR_W = 320


def bar_chart(rows: Sequence[tuple[str, int]], *, title: str) -> SafeString:
    """Horizontal bars, one per (label, value); widths proportional to the largest value."""
    if not rows:
        return mark_safe("")
    peak = max(v for _, v in rows) or 1
    height = ROW * len(rows) + 8
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {LABEL_W + BAR_W + 70} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * ROW
        width = max(1, round(BAR_W * value / peak)) if value else 0
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 16}" text-anchor="end" font-size="13" fill="#1f2329">{escape(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{width}" height="18" rx="3" fill="#1d4ed8"/>'
            f'<text x="{LABEL_W + width + 6}" y="{y + 16}" font-size="12" fill="#646a73">{value}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated text is escaped above
