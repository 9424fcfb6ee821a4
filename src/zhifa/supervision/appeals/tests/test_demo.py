"""The demo appeals load through the real services, in the past, across the states."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings

from zhifa.supervision.appeals.models import Appeal, AppealDocument, AppealEvent, AppealFile, Hearing


@pytest.mark.slow
@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_demo_appeals_cover_the_states(documents_for_the_worker) -> None:
    # the cases' 文书 stay queued for the worker, as `make run` leaves them (conftest)
    with time_machine.travel(dt.datetime(2025, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        call_command("seed_demo", scale=0.05)
        today = dt.date(2025, 11, 20)
        assert Appeal.objects.count() >= 30
        states = set(Appeal.objects.values_list("state", flat=True).annotate(n=Count("id")))
        assert {
            "received",
            "amending",
            "accepted",
            "answering",
            "reviewing",
            "suspended",
            "refused",
            "decided",
            "mediated",
            "terminated",
            "filed",
            "trial",
            "concluded",
        } <= states, states
        assert Appeal.objects.exclude(case=None).count() >= 5
        assert Appeal.objects.filter(channel="online").exclude(tracking_code=None).exists()
        assert Hearing.objects.filter(appearance="head").exists()
        assert not AppealEvent.objects.filter(on__gt=today).exists()
        assert not Appeal.objects.filter(received_on__gt=today).exists()
        # the suits carry the court's notice of response; the reconsideration 文书 are numbered
        assert (
            AppealFile.objects.filter(kind="response_notice").count()
            == Appeal.objects.filter(kind="litigation").count()
        )
        assert AppealDocument.objects.filter(code="acceptance_notice", number__contains="复受〔").exists()
