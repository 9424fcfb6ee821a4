"""Small pieces of HTML written in Python for the hot loops of the staff pages (the case list's rows
and filters, the statistics page's agency choices, the case page's other cases).

In the template engine each `{{ }}`, `{% if %}` and `{% url %}` of a loop is a node resolved per row;
`format_html` passes every argument through `conditional_escape`, whose lazy-string wrapper cost more
than the escaping. These helpers give the same markup as the templates they replace (tested against
Django's own rendering in core/tests/test_markup.py): every text escaped as Django's `escape` does,
markup already safe kept as it is.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator


def esc(value: Any) -> str:
    """`conditional_escape(value)` as text: safe markup (`__html__`) as it is, anything else escaped
    (`html.escape` of its text, quotes included — what `django.utils.html.escape` does)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def truncated(text: str, length: int) -> str:
    """`Truncator(text).chars(length)` (the `truncatechars` filter): text short enough is returned as
    Truncator returns it (NFC-normalised) without its walk over every character."""
    normal = unicodedata.normalize("NFC", text)
    if len(normal) <= length:
        return normal
    return Truncator(text).chars(length)


def options_html(options: Iterable[tuple[Any, Any, bool]]) -> SafeString:
    """`<option value="…"[ selected]>label</option>` for each (value, label, selected), nothing between
    them: what `{% for %}<option value="{{ v }}"{% if … %} selected{% endif %}>{{ label }}</option>
    {% endfor %}` writes for int or text values."""
    return mark_safe(  # noqa: S308 — every value and label is escaped by esc()
        "".join(
            f'<option value="{esc(value)}"{" selected" if selected else ""}>{esc(label)}</option>'
            for value, label, selected in options
        )
    )
