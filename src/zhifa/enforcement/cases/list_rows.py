"""The rows of the case list (`cases/_results.html`), written here rather than in the template.

A page of 50 rows took the template engine ~6.5 ms of CPU (about 130 µs a row: a dozen tags and filters
each, every one a node to resolve), a third of the whole page; the same markup joined here costs well
under a millisecond (docs/benchmarks.md, "Item 8", 2026-12-06 evening). Every text is escaped
(`format_html`); the table's head, pager and empty state stay in the template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def rows_html(rows: Iterable[dict[str, Any]]) -> SafeString:
    """`<tr>` elements for the `presenters.case_row` dicts, as the list page and its htmx refresh show
    them: the number (or "lead #id") linking to the case, the party as the row gives it (masked or not,
    decided by the presenter), the power item, state, fine, next deadline and discovery date."""
    labels = {
        "number": _("Case number"),
        "party": _("Party"),
        "item": _("Power item"),
        "state": _("State"),
        "fine": _("Fine"),
        "deadline": _("Next deadline"),
        "registered": _("Registered on"),
    }
    lead, on_spot, suspended, unknown = _("Lead"), _("on the spot"), _("suspended"), _("not yet identified")
    # one reverse for the page: the detail path with the id in place of a marker
    marker = 999_999_999
    detail = reverse("cases:detail", args=[marker]).replace(str(marker), "{}")
    out = []
    for r in rows:
        number = r["number"] or f"{lead} #{r['id']}"
        badge = format_html(' <span class="badge">{}</span>', on_spot) if r["procedure"] == "simple" else ""
        item: str
        if r["power_item"]:
            item = format_html(
                '{}<div class="muted">{}</div>', r["power_item"], Truncator(r["power_item_name"]).chars(30)
            )
        else:
            item = "—"
        pause = format_html(' <span class="badge warn">{}</span>', suspended) if r["suspended"] else ""
        nd = r["next_deadline"]
        deadline = (
            format_html(
                '<span class="badge status-{}">{} {}</span>', nd["status"], nd["label"], _day(nd["due_on"])
            )
            if nd
            else "—"
        )
        out.append(
            format_html(
                '\n  <tr>\n    <td data-label="{}"><a href="{}">{}</a>{}<div class="muted">{}</div></td>'
                '\n    <td data-label="{}">{}</td>'
                '\n    <td class="wide-cell" data-label="{}">{}</td>'
                '\n    <td data-label="{}"><span class="badge">{}</span>{}</td>'
                '\n    <td data-label="{}">{}</td>'
                '\n    <td data-label="{}">{}</td>'
                '\n    <td data-label="{}">{}</td>\n  </tr>',
                labels["number"],
                detail.format(int(r["id"])),
                number,
                badge,
                r["agency"]["abbreviation"],
                labels["party"],
                r["party_name"] or unknown,
                labels["item"],
                item,
                labels["state"],
                r["state_label"],
                pause,
                labels["fine"],
                r["fine_amount"] or "—",
                labels["deadline"],
                deadline,
                labels["registered"],
                _day(r["discovered_on"]),
            )
        )
    return mark_safe("".join(out))  # noqa: S308 — each row is format_html output (every text escaped)
