"""The portal's year statistics as registered indicators: decisions published and the fines they
impose, counted by decision date over the same rows as the statistics page (`selectors.published_in`).
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, register_indicator
from zhifa.public.portal.selectors import published_in


def decisions_published(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    return IndicatorValue.count(
        published_in(agency_ids=agency_ids, date_from=span.start, date_to=span.end).count()
    )


def fines_published(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    qs = published_in(agency_ids=agency_ids, date_from=span.start, date_to=span.end)
    return IndicatorValue.money(qs.aggregate(s=Sum("fine_amount"))["s"])


def register() -> None:
    register_indicator(
        "portal.decisions_published",
        _("Penalty decisions published"),
        decisions_published,
        unit=Unit.COUNT,
        monthly=True,
    )
    register_indicator(
        "portal.fines_published",
        _("Fines in published decisions"),
        fines_published,
        unit=Unit.YUAN,
        monthly=True,
    )
