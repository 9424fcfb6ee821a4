"""The figures behind computed leaves, read from the indicator registry (`zhifa.core.indicators`) by
code — never from another app's models — for exactly one agency over the assessed year up to the
round's cut-off date. An indicator code no app registers is shown as 未登记 (no score until an assessor
gives one with a reason); it never fails the round.

`records_link` points at the exact records behind a figure: the round's own records page, which lists
what the owning app registered as the indicator's `records` (the rows the figure counts, each marked
whether the numerator counts it). An indicator whose app registered no records falls back to
`link_for`: the owning app's list filtered to the agency (reversed by URL name; none if not installed).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zhifa.core.indicators import (
    DateSpan,
    RecordPage,
    UnknownIndicator,
    indicator,
    indicator_records,
    indicator_value,
)
from zhifa.supervision.assessment import scoring
from zhifa.supervision.assessment.models import Figure, LeafScore, Participant, Round, ScoreEntry, SetNode

# The list page of the app owning each indicator prefix (URL name), filtered by `?agency=`.
RECORD_PAGES = {
    "cases": "cases:list",
    "officers": "officers:list",
    "complaints": "complaints:queue",
    "appeals": "appeals:queue",
    "normative": "normative:queues",
    "reviews": "reviews:home",
    "inspections": "inspections:plans",
    "portal": "portal:manage",
}


def span_of(rnd: Round) -> DateSpan:
    """The assessed year, up to the cut-off date when that falls inside it."""
    start, end = dt.date(rnd.year, 1, 1), dt.date(rnd.year, 12, 31)
    return DateSpan(start, max(start, min(end, rnd.cutoff_on)))


def link_for(code: str, agency_id: int) -> str:
    name = RECORD_PAGES.get(code.split(".", 1)[0])
    if not name:
        return ""
    try:
        return f"{reverse(name)}?agency={agency_id}"
    except NoReverseMatch:
        return ""


def has_records(code: str) -> bool:
    try:
        return indicator(code).records is not None
    except UnknownIndicator:
        return False


def records_link(leaf: LeafScore, participant: Participant) -> str:
    """The exact records behind the leaf's figure, or the owning app's filtered list, or nothing."""
    code = leaf.node.indicator_code
    if not code:
        return ""
    if has_records(code):
        return reverse(
            "assessment:leaf_records",
            kwargs={
                "round_id": participant.round_id,
                "agency_id": participant.agency_id,
                "code": leaf.node.code,
            },
        )
    return link_for(code, participant.agency_id)


def records_page(leaf: LeafScore, participant: Participant, *, offset: int, limit: int) -> RecordPage | None:
    """The records behind the leaf, read now over the round's span (a frozen figure may differ when a
    record was entered late; the page says so)."""
    code = leaf.node.indicator_code
    if not code or not has_records(code):
        return None
    return indicator_records(
        code, [participant.agency_id], span_of(participant.round), offset=offset, limit=limit
    )


def rule_of(node: SetNode) -> scoring.LeafRule:
    return scoring.LeafRule(
        points=node.points,
        method=node.method,
        formula=node.formula,
        target=node.target,
        zero_at=node.zero_at,
        per_item=node.per_item,
    )


def compute_leaf(leaf: LeafScore, *, span: DateSpan, agency_id: int) -> None:
    """Set the leaf's figure and computed score (not saved)."""
    node = leaf.node
    try:
        ind = indicator(node.indicator_code)
    except UnknownIndicator:
        leaf.figure, leaf.value, leaf.numerator, leaf.denominator, leaf.computed_score = (
            Figure.UNREGISTERED,
            None,
            None,
            None,
            None,
        )
        return
    v = indicator_value(node.indicator_code, [agency_id], span)
    status, points = scoring.score(rule_of(node), v.value, higher_is_better=ind.higher_is_better)
    leaf.figure, leaf.value, leaf.numerator, leaf.denominator = status, v.value, v.numerator, v.denominator
    leaf.computed_score = points


def fill(rnd: Round, *, freeze: bool, actor: Any = None) -> int:
    """(Re)compute every computed leaf of every agency of the round that is not frozen yet; with
    `freeze`, fix them (history row per leaf). Returns the number of leaves written."""
    span = span_of(rnd)
    now = timezone.now()
    written = 0
    participants = Participant.objects.filter(round=rnd).only("id", "agency_id")
    for p in participants:
        leaves = LeafScore.objects.filter(participant=p, frozen=False).select_related("node")
        for leaf in leaves:
            if not leaf.node.computed:
                continue
            compute_leaf(leaf, span=span, agency_id=p.agency_id)
            leaf.frozen = freeze
            leaf.save(
                update_fields=["figure", "value", "numerator", "denominator", "computed_score", "frozen"]
            )
            if freeze:
                ScoreEntry.objects.create(
                    leaf=leaf,
                    role=ScoreEntry.Role.FIGURE,
                    score=leaf.computed_score,
                    note=_figure_note(leaf),
                    actor=actor if getattr(actor, "pk", None) else None,
                    at=now,
                )
            written += 1
    return written


def _figure_note(leaf: LeafScore) -> str:
    parts = [leaf.node.indicator_code, str(leaf.figure)]
    if leaf.value is not None:
        parts.append(f"value={leaf.value}")
    if leaf.denominator is not None:
        parts.append(f"{leaf.numerator}/{leaf.denominator}")
    return " ".join(parts)


def value_text(leaf: LeafScore) -> str:
    """The figure as people read it: 86.0 %（43/50）, 3, 无可计数据, 未登记."""
    if leaf.figure == Figure.UNREGISTERED:
        return "未登记"
    if leaf.figure == Figure.NO_DATA:
        return "无可计数据"
    if leaf.figure != Figure.OK or leaf.value is None:
        return ""
    try:
        unit = indicator(leaf.node.indicator_code).unit
    except UnknownIndicator:
        unit = None
    text = f"{leaf.value.quantize(Decimal('0.1'))}%" if unit == "percent" else _plain(leaf.value)
    if leaf.denominator is not None and leaf.numerator is not None:
        text += f"（{_plain(leaf.numerator)}/{_plain(leaf.denominator)}）"
    return text


def _plain(d: Decimal) -> str:
    return f"{d.normalize():f}" if d == d.to_integral() else str(d)
