"""The demo loads whatever today is: inside a year nobody knows (here), and in the last weeks of the last
year the holiday package knows, when every deadline of the demo reaches a year nobody knows yet: that
clock is the persona test's (`org/tests/test_demo.py`), which seeds the whole demo on 12-20 of that year
and makes this file's checks on it (it had a seeding of its own here, at scale 0.05; docs/benchmarks.md,
branch `testfast3`)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from zhifa.audit.services import audit_verify
from zhifa.core import calendar
from zhifa.enforcement.cases.models import Case, CaseDeadline
from zhifa.supervision.appeals.tests.demo_checks import assert_demo_appeals_cover_the_states

SHANGHAI = ZoneInfo("Asia/Shanghai")
LAST_KNOWN = calendar.PACKAGE_LAST_YEAR


@pytest.mark.slow
@pytest.mark.django_db
# As `make run` seeds it (ZHIFA_DEMO=1, DEBUG off). With DEBUG on, Django would also log every query,
# on SQLite with one more query each to quote its parameters (docs/benchmarks.md, "branch testcpu").
@override_settings(DEBUG=False, ZHIFA_DEMO=True)
@pytest.mark.parametrize(
    "today",
    [dt.date(LAST_KNOWN + 3, 1, 10)],  # 12-20 of the last known year: org/tests/test_demo.py
    ids=["01-10-of-an-unknown-year"],
)
def test_seed_demo_under_a_frozen_clock(today: dt.date, documents_for_the_worker) -> None:
    with time_machine.travel(dt.datetime.combine(today, dt.time(9, 0), tzinfo=SHANGHAI), tick=True):
        call_command("seed_demo", scale=0.05)
        assert Case.objects.exists()
        assert audit_verify().ok
        # deadlines that reach the unknown year are stored as provisional, never refused
        assert CaseDeadline.objects.filter(provisional=True).exists()
        assert calendar.year_status(today.year + 1) == calendar.YearStatus.PROVISIONAL
        # the 文书 left for the worker (as `make run` leaves them) render under this clock too
        assert documents_for_the_worker.render_one_of_each_kind()
        # the appeals' demo checks on this seeding (they had a seeding of their own, at 2025-11-20)
        assert_demo_appeals_cover_the_states(today)
