"""The demo documents load through the real services, every state present, dates in the past."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db.models import Count

from zhifa.foundation.alerts.models import Alert
from zhifa.org.demo import seed_org
from zhifa.supervision.normative import selectors as sel
from zhifa.supervision.normative.demo import seed_normative
from zhifa.supervision.normative.models import Filing, NormativeDocument, NormativeEvent, State

from .conftest import at


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("today", [dt.date(2025, 12, 20), dt.date(2026, 6, 15)])
def test_demo_documents_cover_every_state(today: dt.date) -> None:
    ctx: dict[str, Any] = {}
    with time_machine.travel(at(today), tick=False):
        seed_org(ctx)
        seed_normative(ctx)
        states = dict(NormativeDocument.objects.values_list("state").annotate(n=Count("id")))
        assert set(states) == set(State.values), states
        assert NormativeDocument.objects.count() >= 12
        assert Filing.objects.filter(late=True).exists()
        assert Filing.objects.filter(result="correction", corrected_on__isnull=False).exists()
        assert NormativeEvent.objects.filter(on__gt=today).count() == 0
        assert Alert.objects.filter(kind="normative_expiring", resolved_at__isnull=True).count() == 1
        assert sel.public_register(q="责任区", status="valid")
        assert not sel.public_register(q="共享单车")  # not published yet
