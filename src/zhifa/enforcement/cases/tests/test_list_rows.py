"""The case list's rows and the case page's other cases, written in Python (cases.list_rows): every
text escaped, the power item's name cut as `truncatechars:30`, the registration day in local time."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils.text import Truncator

from zhifa.enforcement.cases.list_rows import other_cases_html, rows_html


def test_the_case_list_rows_escape_every_text() -> None:
    row = {
        "id": 7,
        "number": '<script>"x"</script>',
        "procedure": "simple",
        "agency": {"abbreviation": "A&B"},
        "party_name": "张<三>",
        "power_item": "P'1",
        "power_item_name": "名称" * 20,
        "suspended": True,
        "state_label": "调查<中>",
        "fine_amount": "100.00",
        "next_deadline": {"status": "overdue", "label": "期限&", "due_on": dt.date(2026, 1, 2)},
        "discovered_on": dt.date(2026, 1, 1),
    }
    html = str(rows_html([row]))
    assert "<script>" not in html and "&lt;script&gt;&quot;x&quot;&lt;/script&gt;" in html
    assert (
        "张&lt;三&gt;" in html and "A&amp;B" in html and "P&#x27;1" in html and "期限&amp; 2026-01-02" in html
    )
    assert f'<div class="muted">{Truncator("名称" * 20).chars(30)}</div>' in html  # as truncatechars:30
    assert len(Truncator("名称" * 20).chars(30)) == 30

    case = SimpleNamespace(
        pk=8,
        number="",
        state="registered",
        registered_at=dt.datetime(2026, 1, 1, 20, 0, tzinfo=dt.UTC),  # 2026-01-02 in Shanghai
        agency=SimpleNamespace(abbreviation="<局>"),
    )
    html = str(other_cases_html([case], state_labels={"registered": "线索<登记>"}))
    assert html == (
        '<li><a href="/cases/8/">8</a> 线索&lt;登记&gt; <span class="muted">2026-01-02 &lt;局&gt;</span></li>'
    )
