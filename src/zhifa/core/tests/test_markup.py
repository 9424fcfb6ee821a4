"""core.markup writes the same markup as the template loops it replaces: checked against Django's own
rendering of those loops, with texts that need escaping, safe markup, ints, and long or decomposed text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import override

from zhifa.core.markup import esc, options_html, truncated

TEXTS = [
    "",
    "普通文本",
    "<b>\"引号\" & '单引号'</b>",
    "a < b > c & d",
    mark_safe("<i>已安全</i>"),
    12345,
    0,
    Decimal("1234.50"),
]


def _render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize("value", TEXTS)
def test_esc_is_what_the_template_writes_for_a_value(value: object) -> None:
    with override("zh-hans"):
        assert esc(value) == _render("{{ v }}", v=value)


def test_options_are_what_the_loop_wrote() -> None:
    rows = [(i, label, i % 3 == 0) for i, label in enumerate(TEXTS)] + [("x\"'<", "选中", True)]
    loop = (
        '{% for v, label, on in rows %}<option value="{{ v }}"{% if on %} selected{% endif %}>'
        "{{ label }}</option>{% endfor %}"
    )
    with override("zh-hans"):
        assert str(options_html(rows)) == _render(loop, rows=rows)
    assert options_html([]) == ""


@pytest.mark.parametrize(
    "text",
    [
        "",
        "短",
        "一二三四五六七八九十一二三四五六七八九十一二三四",  # exactly 24
        "一二三四五六七八九十一二三四五六七八九十一二三四五",  # 25: cut
        "e\u0301" * 30,  # decomposed: NFC makes 30 characters of 60 code points
        "x" * 23 + "e\u0301",
        "A" * 100,
    ],
)
def test_truncated_is_truncatechars(text: str) -> None:
    assert truncated(text, 24) == Truncator(text).chars(24) == _render("{{ t|truncatechars:24 }}", t=text)
