"""Rendered fragments of the public list that are the same for every visitor.

A row of the decisions list (`<tr>…</tr>`) depends only on the published row, which the one door
(`services`) never changes while it is published: it can only be withdrawn. Row fragments are cached
keyed by (decision id, `published_at`), so the list reads the page's (id, published_at) pairs from the
index, takes the rows it has from the cache and reads only the others from the table. The list only
ever asks for ids that are published *now* (the index scan filters on the state), so a withdrawn
decision's fragment is never shown even if it were still cached; the withdraw handler drops it anyway
after commit (`forget_on_commit`). Any future door that changes a published row's public fields must
call `forget_on_commit` too — the test suite proves withdrawal does.

Rows are rendered here rather than by the template engine: 20 rows through `{% for %}`, `{% url %}`
and `|date` cost more than the rest of the page; the markup is the one `_decision_rows.html` had and a
test compares it with the template's own rendering of the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW_SECONDS = 24 * 3600
# Bumped whenever the row markup changes, so fragments of the previous markup are never read.
ROW_VERSION = 1


def _stamp(published_at: dt.datetime | None) -> str:
    return str(int(published_at.timestamp() * 1_000_000)) if published_at else "-"


def row_key(decision_id: int, published_at: dt.datetime | None) -> str:
    return f"portal:row:{ROW_VERSION}:{decision_id}:{_stamp(published_at)}"


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
    """The rows of decisions already read (home page, agency page, the API-shaped list)."""
    prefix = decision_url_prefix()
    return mark_safe("".join(row_html(d, url_prefix=prefix) for d in items))  # noqa: S308 — escaped above


def list_rows_html(keys: Sequence[tuple[int, dt.datetime | None]]) -> tuple[SafeString, int]:
    """The rows of one page of the list from its (id, published_at) pairs, in that order: cached
    fragments where present, the others read (one query) and rendered. Returns the markup and the
    number of rows (a decision withdrawn since the ids were read is left out)."""
    if not keys:
        return mark_safe(""), 0
    from zhifa.public.portal.selectors import list_rows_by_id

    names = {i: row_key(i, at) for i, at in keys}
    cached: dict[str, str] = cache.get_many(list(names.values()))
    html = {i: cached[name] for i, name in names.items() if name in cached}
    missing = [i for i in names if i not in html]
    if missing:
        prefix = decision_url_prefix()
        fresh: dict[str, str] = {}
        for d in list_rows_by_id(missing).values():
            html[d.id] = row_html(d, url_prefix=prefix)
            if d.published_at is not None:
                fresh[row_key(d.id, d.published_at)] = html[d.id]
        if fresh:
            cache.set_many(fresh, ROW_SECONDS)
    parts = [html[i] for i, _ in keys if i in html]
    return mark_safe("".join(parts)), len(parts)  # noqa: S308 — every part escaped by row_html


def forget(decision_id: int, published_at: dt.datetime | None) -> None:
    cache.delete(row_key(decision_id, published_at))


def forget_on_commit(decision_id: int, published_at: dt.datetime | None) -> None:
    """Drop a decision's row fragment once its withdrawal (or any change) is committed."""
    transaction.on_commit(lambda: forget(decision_id, published_at))


def agency_options_html(choices: Sequence[tuple[int, str]], selected: int | None) -> SafeString:
    """The agency filter's options (after "All"), the chosen one selected."""
    return mark_safe(  # noqa: S308 — names escaped, ids are integers
        "".join(
            f'<option value="{i}"{" selected" if i == selected else ""}>{escape(name)}</option>'
            for i, name in choices
        )
    )
