"""The indicators against counts made by hand on a small set of documents."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from zhifa.core.indicators import DateSpan, indicator_value
from zhifa.supervision.normative.factories import make_published
from zhifa.supervision.normative.models import NormativeDocument, State
from zhifa.supervision.normative.services import document_apply_event as ev

from .conftest import at

pytestmark = pytest.mark.django_db


def test_indicators_match_hand_counts(world: Any) -> None:
    def pub(n: int, on: dt.date) -> NormativeDocument:
        return make_published(
            drafter=world.officer_a,
            reviewer=world.reviewer_a,
            approver=world.approver_a,
            agency=world.agency_a,
            submitted_on=on - dt.timedelta(days=20),
            published_on=on,
            number=f"测城管规〔2025〕{n}号",
        )

    with time_machine.travel(at(dt.date(2025, 9, 1)), tick=False):
        a, b, c, _d = (
            pub(1, dt.date(2025, 3, 3)),
            pub(2, dt.date(2025, 4, 1)),
            pub(3, dt.date(2025, 5, 6)),
            pub(4, dt.date(2025, 6, 3)),
        )
        ev(document_id=a.pk, actor=world.officer_a, event="file", data={"on": "2025-03-10"})  # in time
        ev(
            document_id=b.pk, actor=world.officer_a, event="file", data={"on": "2025-05-06"}
        )  # late (due 16 Apr)
        ev(
            document_id=c.pk, actor=world.officer_a, event="file", data={"on": "2025-05-21"}
        )  # last day: in time
        # d is never filed
        for doc, result in ((a, "no_objection"), (b, "correction")):
            ev(document_id=doc.pk, actor=world.supervisor, event="receive", data={"on": "2025-05-20"})
            ev(
                document_id=doc.pk,
                actor=world.supervisor,
                event="filing_review",
                data={
                    "on": "2025-06-10",
                    "result": result,
                    "problems": "问题" if result == "correction" else "",
                },
            )
        ids = [world.agency_a.pk]
        year = DateSpan.year(2025)
        filing = indicator_value("normative.filing_rate", ids, year)
        assert (filing.numerator, filing.denominator, filing.value) == (3, 4, Decimal("75.0"))
        on_time = indicator_value("normative.filing_on_time_rate", ids, year)
        assert (on_time.numerator, on_time.denominator, on_time.value) == (2, 3, Decimal("66.7"))
        corr = indicator_value("normative.correction_rate", ids, year)
        assert (corr.numerator, corr.denominator, corr.value) == (1, 2, Decimal("50.0"))
        # spans and agencies are honoured
        assert (
            indicator_value(
                "normative.filing_rate", ids, DateSpan(dt.date(2025, 4, 1), dt.date(2025, 5, 31))
            ).denominator
            == 2
        )
        assert indicator_value("normative.filing_rate", [world.agency_b.pk], year).value is None
        assert indicator_value("normative.past_validity_still_valid", ids, year).value == 0
    # five years on, before the daily job ran: a is past its last day (2 March 2030) but still in force
    with time_machine.travel(at(dt.date(2030, 3, 10)), tick=False):
        stale = indicator_value("normative.past_validity_still_valid", ids, DateSpan(None, None))
        assert stale.value == 1
        from zhifa.supervision.normative.services import expiry_check

        expiry_check()
        assert NormativeDocument.objects.get(pk=a.pk).state == State.EXPIRED
        assert indicator_value("normative.past_validity_still_valid", ids, DateSpan(None, None)).value == 0
