"""The demo appeals load through the real services, in the past, across the states.

Checked on a demo the demo tests seed anyway (`core/tests/test_demo_clock.py`, both clocks, and the
whole demo in `org/tests/test_demo.py`), instead of seeding one more demo of its own for these
assertions alone (~15 s of CPU; docs/benchmarks.md, "branch testcpu"). The appeals demo does not
depend on the scale."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from zhifa.supervision.appeals.models import Appeal, AppealDocument, AppealEvent, AppealFile, Hearing


def assert_demo_appeals_cover_the_states(today: dt.date) -> None:
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
