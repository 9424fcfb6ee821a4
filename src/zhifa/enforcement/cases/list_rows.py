"""The rows of the case list (`cases/_results.html`), written here rather than in the template.

A page of 50 rows took the template engine ~6.5 ms of CPU (about 130 µs a row: a dozen tags and filters
each, every one a node to resolve), a third of the whole page; the same markup joined here costs well
under a millisecond (docs/benchmarks.md, "Item 8", 2026-12-06 evening). Every text is escaped by
`core.markup.esc` (what `format_html` did per cell, without `conditional_escape`'s lazy-string wrapper:
that wrapper was most of this function's time); the table's head, pager and empty state stay in the
template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # (not in the stubs)
from django.utils.translation import gettext as _

from zhifa.core.markup import esc as _esc
from zhifa.core.markup import truncated


def _detail_link() -> str:
    """The case page's address, escaped, with `{}` for the id: one reverse per page, not per row."""
    marker = 999_999_999
    return _esc(reverse("cases:detail", args=[marker])).replace(str(marker), "{}")


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def rows_html(rows: Iterable[dict[str, Any]]) -> SafeString:
    """`<tr>` elements for the `presenters.case_row` dicts, as the list page and its htmx refresh show
    them: the number (or "lead #id") linking to the case, the party as the row gives it (masked or not,
    decided by the presenter), the power item, state, fine, next deadline and discovery date."""
    number_l, party_l, item_l, state_l, fine_l, deadline_l, registered_l = (
        _esc(label)
        for label in (
            _("Case number"),
            _("Party"),
            _("Power item"),
            _("State"),
            _("Fine"),
            _("Next deadline"),
            _("Registered on"),
        )
    )
    # (gettext outside the f-strings: makemessages does not look inside an f-string's expressions)
    lead, unknown, on_spot_label, suspended_label = (
        _("Lead"),
        _("not yet identified"),
        _("on the spot"),
        _("suspended"),
    )
    on_spot = f' <span class="badge">{_esc(on_spot_label)}</span>'
    suspended = f' <span class="badge warn">{_esc(suspended_label)}</span>'
    detail = _detail_link()
    out = []
    for r in rows:
        number = r["number"] or f"{lead} #{r['id']}"
        badge = on_spot if r["procedure"] == "simple" else ""
        if r["power_item"]:
            item = (
                f'{_esc(r["power_item"])}<div class="muted">{_esc(truncated(r["power_item_name"], 30))}</div>'
            )
        else:
            item = "—"
        pause = suspended if r["suspended"] else ""
        nd = r["next_deadline"]
        deadline = (
            f'<span class="badge status-{_esc(nd["status"])}">{_esc(nd["label"])} {_esc(_day(nd["due_on"]))}</span>'
            if nd
            else "—"
        )
        out.append(
            f'\n  <tr>\n    <td data-label="{number_l}"><a href="{detail.format(int(r["id"]))}">{_esc(number)}</a>'
            f'{badge}<div class="muted">{_esc(r["agency"]["abbreviation"])}</div></td>'
            f'\n    <td data-label="{party_l}">{_esc(r["party_name"] or unknown)}</td>'
            f'\n    <td class="wide-cell" data-label="{item_l}">{item}</td>'
            f'\n    <td data-label="{state_l}"><span class="badge">{_esc(r["state_label"])}</span>{pause}</td>'
            f'\n    <td data-label="{fine_l}">{_esc(r["fine_amount"] or "—")}</td>'
            f'\n    <td data-label="{deadline_l}">{deadline}</td>'
            f'\n    <td data-label="{registered_l}">{_esc(_day(r["discovered_on"]))}</td>\n  </tr>'
        )
    return mark_safe("".join(out))  # noqa: S308 — every interpolated text is escaped by _esc


def other_cases_html(cases: Iterable[Any], *, state_labels: dict[str, str]) -> SafeString:
    """The `<li>` of each of the party's other cases on the case page (`cases.Case` rows of
    `selectors.party_other_cases`): number (or id) linking to the case, state, registration day as the
    `date:"Y-m-d"` filter shows it (local time), agency. In the template, `get_state_display` re-hashed
    the state's whole choice list for each row and `{% url %}` resolved each link: more than half of the
    case page's template time for twenty cases."""
    detail = _detail_link()
    out = []
    for c in cases:
        day = date_format(template_localtime(c.registered_at), "Y-m-d") if c.registered_at else ""
        out.append(
            f'<li><a href="{detail.format(int(c.pk))}">{_esc(c.number or c.pk)}</a> '
            f"{_esc(state_labels.get(c.state, c.state))} "
            f'<span class="muted">{_esc(day)} {_esc(c.agency.abbreviation)}</span></li>'
        )
    return mark_safe("".join(out))  # noqa: S308 — every interpolated text is escaped by _esc
