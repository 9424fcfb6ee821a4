"""The rows of the case list (`cases/_results.html`), written here rather than in the template.

A page of 50 rows took the template engine ~6.5 ms of CPU (about 130 µs a row: a dozen tags and filters
each, every one a node to resolve), a third of the whole page; the same markup joined here costs well
under a millisecond (docs/benchmarks.md, "Item 8", 2026-12-06 evening). Every text is escaped, by
`_esc` (what `format_html` and `conditional_escape` do, without their lazy-string wrappers: those were
most of this function's time); the table's head, pager and empty state stay in the template.
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _


def _esc(value: Any) -> str:
    """`conditional_escape` for the plain values of a row: markup already safe passes, any other
    value is escaped as Django's `escape` does (`html.escape` of its text, quotes included)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def truncated(text: str, length: int) -> str:
    """`Truncator(text).chars(length)`: the common case (short enough) without its per-character walk."""
    normal = unicodedata.normalize("NFC", text)
    if len(normal) <= length:
        return normal
    return Truncator(text).chars(length)


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
    lead, unknown = _("Lead"), _("not yet identified")
    on_spot = f' <span class="badge">{_esc(_("on the spot"))}</span>'
    suspended = f' <span class="badge warn">{_esc(_("suspended"))}</span>'
    # one reverse for the page: the detail path with the id in place of a marker
    marker = 999_999_999
    detail = _esc(reverse("cases:detail", args=[marker])).replace(str(marker), "{}")
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


def options_html(options: Iterable[tuple[Any, Any, bool]]) -> SafeString:
    """`<option>` elements of the list's filters from (value, label, selected), as the template's
    loops wrote them (`<option value="…"[ selected]>label</option>`, nothing between them): a loop of
    a few dozen agencies with an `{% if %}` each cost more than the rows' whole table."""
    return mark_safe(  # noqa: S308 — every value and label is escaped by _esc
        "".join(
            f'<option value="{_esc(value)}"{" selected" if selected else ""}>{_esc(label)}</option>'
            for value, label, selected in options
        )
    )
