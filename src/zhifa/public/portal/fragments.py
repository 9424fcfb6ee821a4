"""Rendered fragments of the public pages that are the same for every visitor.

Rows of the decisions list (`<tr>…</tr>`) are rendered here rather than by the template engine: 20 rows
through `{% for %}`, `{% url %}` and `|date` cost more than the rest of the page; the markup is the one
`_decision_rows.html` had and a test compares it with the template's own rendering of the same rows.

The rows are NOT cached (they were until branch portal4, keyed by id and publication): in the `make run`
set-up the only cache shared by the gunicorn processes is Django's file-based cache, where storing a
page's 20 rows cost 12–17 ms of CPU (each `set` lists the directory to cull it) and which keeps at most
300 entries, so a random page of the list almost never found its rows. Reading the page's 20 rows with
its ids in one statement (`selectors.decision_list_page`) and formatting them costs less than a cache
round trip would save, from a cold start as from a warm one; and a withdrawn decision cannot linger
in a cache that no longer exists (docs/benchmarks.md, "branch portal4").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _date(value: dt.date | None) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}" if value else ""


def row_html(d: Any, *, url_prefix: str) -> str:
    """One row of the list (a published decision: masked name, penalty, agency, date)."""
    return (
        f'<tr>\n    <td><a href="{url_prefix}{d.id}/">{escape(d.decision_number)}</a></td>\n'
        f"    <td>{escape(d.party_public)}</td><td>{escape(d.measures_public)}</td>"
        f'<td>{escape(d.agency_name)}</td><td class="nowrap">{_date(d.decided_on)}</td>\n  </tr>'
    )


def decision_url_prefix() -> str:
    """`/portal/decisions/`: a decision's page is this plus its id (portal.urls)."""
    return reverse("portal:decisions")


def rows_html(items: Iterable[Any]) -> SafeString:
    """The rows of decisions already read (the list, the home and agency pages)."""
    prefix = decision_url_prefix()
    return mark_safe("".join(row_html(d, url_prefix=prefix) for d in items))  # noqa: S308 — escaped above


def agency_options_html(choices: Sequence[tuple[int, str]], selected: int | None) -> SafeString:
    """The agency filter's options (after "All"), the chosen one selected."""
    return mark_safe(  # noqa: S308 — names escaped, ids are integers
        "".join(
            f'<option value="{i}"{" selected" if i == selected else ""}>{escape(name)}</option>'
            for i, name in choices
        )
    )
