import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from zhifa.audit.services import audit_verify
from zhifa.core import calendar
from zhifa.enforcement.cases.models import Case, CaseDeadline
from zhifa.org.models import User
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agency_ids
from zhifa.public.complaints.tests.demo_checks import assert_demo_complaints_cover_every_state_and_channel
from zhifa.supervision.appeals.tests.demo_checks import assert_demo_appeals_cover_the_states


@pytest.mark.django_db
# As `make run` seeds it (ZHIFA_DEMO=1, DEBUG off). With DEBUG on, Django would also log every query,
# on SQLite with one more query each to quote its parameters (docs/benchmarks.md, "branch testcpu").
@override_settings(DEBUG=False, ZHIFA_DEMO=True)
# Seeded on 12-20 of the last year the holiday package knows (09:00 in Shanghai, the clock ticking): the
# whole demo as `make run` loads it, and also the first clock of `core/tests/test_demo_clock.py` (the demo
# loads in the last weeks of a known year, its deadlines reaching a year nobody knows yet), whose own
# seeding of that day (scale 0.05) this test took over: one seeding fewer (docs/benchmarks.md, branch
# `testfast3`). Not today's date: no test may depend on it.
@time_machine.travel(
    dt.datetime(calendar.PACKAGE_LAST_YEAR, 12, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True
)
def test_seed_demo_creates_the_city_and_each_persona(capsys, documents_for_the_worker) -> None:
    call_command("seed_demo")
    today = timezone.localdate()
    assert today == dt.date(calendar.PACKAGE_LAST_YEAR, 12, 20)
    # the checks of `test_demo_clock` on this day: cases, and the deadlines that reach the unknown year
    # stored as provisional, never refused
    assert Case.objects.exists()
    assert CaseDeadline.objects.filter(provisional=True).exists()
    assert calendar.year_status(today.year + 1) == calendar.YearStatus.PROVISIONAL
    expected = {
        "officer1": Role.OFFICER,
        "officer2": Role.OFFICER,
        "approver": Role.APPROVER,
        "reviewer": Role.LEGAL_REVIEWER,
        "supervisor": Role.SUPERVISOR,
        "market1": Role.OFFICER,
        "admin": Role.ADMIN,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.has_role(role), username
        assert user.check_password("zhifa-demo-2026")
    officer = User.objects.get(username="officer1")
    assert [
        a.name for a in officer.node.agency.__class__.objects.filter(id__in=scope_agency_ids(officer))
    ] == ["海州市城市管理局"]
    assert len(scope_agency_ids(User.objects.get(username="supervisor"))) == 3
    assert audit_verify().ok
    _records_agree_with_their_figures()
    # the complaints' and the appeals' own demo checks, on the demo `make run` loads (one seeding for all)
    assert_demo_complaints_cover_every_state_and_channel()
    assert_demo_appeals_cover_the_states(today)
    # the 文书 left for the worker (as `make run` leaves them): one of each kind renders
    assert len(documents_for_the_worker.render_one_of_each_kind()) >= 10
    call_command("seed_demo")  # a second run does nothing
    assert "already loaded" in capsys.readouterr().out


@pytest.mark.django_db
@override_settings(DEBUG=False, ZHIFA_DEMO=False)
def test_seed_demo_refuses_without_debug() -> None:
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


@pytest.mark.django_db
@override_settings(DEBUG=False, ZHIFA_DEMO=True, PRODUCTION=False)
def test_seed_demo_runs_without_debug_when_the_instance_is_a_demo(capsys, monkeypatch) -> None:
    # The whole demo takes minutes; the gate is what is under test, so the steps are left out.
    monkeypatch.setattr("zhifa.core.management.commands.seed_demo.steps", lambda: [])
    call_command("seed_demo")
    assert "demo data loaded" in capsys.readouterr().out


@pytest.mark.django_db
@override_settings(DEBUG=True, ZHIFA_DEMO=True, PRODUCTION=True)
def test_seed_demo_never_runs_in_production() -> None:
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not User.objects.filter(username="officer1").exists()


def _records_agree_with_their_figures() -> None:
    """On the whole demo: every indicator that lists its records lists exactly what its figure counts
    (the rows of the denominator, the numerator's marked), for each agency and for all of them."""
    import datetime as dt

    from django.utils import timezone

    from zhifa.core.indicators import DateSpan, Unit, indicator_records, indicator_value, indicators
    from zhifa.org.models import OrgNode

    agencies = list(OrgNode.objects.filter(kind=OrgNode.Kind.AGENCY).values_list("id", flat=True))
    year = timezone.localdate().year
    spans = [DateSpan.year(year - 1), DateSpan.year(year), DateSpan(dt.date(year - 1, 1, 1), None)]
    listed = [i for i in indicators() if i.records is not None]
    assert len(listed) >= 25
    seen_rows = 0
    for ind in listed:
        for span in spans:
            for ids in [[a] for a in agencies] + [agencies]:
                v = indicator_value(ind.code, ids, span)
                page = indicator_records(ind.code, ids, span, limit=200)
                assert page is not None
                seen_rows += len(page.rows)
                where = f"{ind.code} {ids} {span}"
                if ind.unit == Unit.COUNT:
                    assert (page.total, page.counted) == (int(v.value or 0), None), where
                else:
                    assert page.total == int(v.denominator or 0), where
                    if page.counted is not None:
                        assert page.counted == int(v.numerator), where
                assert len(page.rows) == min(page.total, 200), where
                if page.counted is not None and page.total <= 200:
                    assert sum(1 for r in page.rows if r.counted) == page.counted, where
    assert seen_rows > 0
