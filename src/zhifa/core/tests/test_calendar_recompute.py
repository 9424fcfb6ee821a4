"""A provisional case deadline becomes official once the year is entered through the service; where the
official calendar makes it earlier and it has passed, supervision gets a `deadline_moved_earlier` alert."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhifa.core.calendar import PACKAGE_LAST_YEAR
from zhifa.core.services import calendar_notice_enter
from zhifa.core.tests.notices import crafted_notice
from zhifa.enforcement.cases.factories import build_case_kit, ev, register
from zhifa.enforcement.cases.models import CaseDeadline
from zhifa.foundation.alerts.models import Alert
from zhifa.foundation.deadlines.provisional import recompute_all

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NEXT = PACKAGE_LAST_YEAR + 1
DECISION_DAYS = 90  # 行政处罚法第六十条: the decision within ninety days of filing (a natural period)


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=SH), tick=False)


def filing_day_ending_on_a_saturday() -> dt.date:
    """A November day of the package's last year whose ninety days end on a Saturday of the next year."""
    day = dt.date(PACKAGE_LAST_YEAR, 11, 1)
    while (day + dt.timedelta(days=DECISION_DAYS)).weekday() != 5:
        day += dt.timedelta(days=1)
    return day


def file_case(world, on: dt.date):
    kit = build_case_kit(world)
    case = register(kit, discovered_on=on.isoformat(), occurred_on=on.isoformat())
    return ev(
        case,
        world.approver_a,
        "file",
        officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
        filed_on=on.isoformat(),
    )


def test_an_entered_year_makes_a_provisional_decision_deadline_official_and_alerts_when_it_moved_earlier(
    world,
) -> None:
    filed_on = filing_day_ending_on_a_saturday()
    saturday = filed_on + dt.timedelta(days=DECISION_DAYS)
    monday = saturday + dt.timedelta(days=2)
    assert saturday.year == NEXT and saturday < dt.date(NEXT, 2, 10)  # before the crafted 春节
    with at(filed_on):
        case = file_case(world, filed_on)
    row = CaseDeadline.objects.get(case=case, kind="decision")
    # Weekday rule: the ninetieth day is a Saturday, so the last day moves to Monday — provisionally.
    assert row.provisional and row.due_on == monday

    with at(monday):
        # The State Council makes that Saturday an adjusted working day (调休上班).
        calendar_notice_enter(actor=world.admin, notice_text=crafted_notice(NEXT, workdays=[saturday]))
        counts = recompute_all()

    row.refresh_from_db()
    assert not row.provisional and row.due_on == saturday
    assert counts["cases"] == 1 and counts["moved_earlier_overdue"] == 1
    alert = Alert.objects.get(kind="deadline_moved_earlier")
    assert alert.key == f"case:{case.pk}:decision:moved_earlier"
    assert alert.due_on == saturday and alert.agency_id == case.agency_id and alert.severity == "critical"
    assert saturday.isoformat() in alert.title and monday.isoformat() in alert.title

    with at(monday):
        assert recompute_all()["moved_earlier_overdue"] == 0  # nothing provisional is left
    assert Alert.objects.filter(kind="deadline_moved_earlier").count() == 1


def test_a_deadline_the_notice_does_not_move_becomes_official_without_an_alert(world) -> None:
    filed_on = filing_day_ending_on_a_saturday()
    monday = filed_on + dt.timedelta(days=DECISION_DAYS + 2)
    with at(filed_on):
        case = file_case(world, filed_on)
    with at(monday):
        calendar_notice_enter(actor=world.admin, notice_text=crafted_notice(NEXT))
        counts = recompute_all()
    row = CaseDeadline.objects.get(case=case, kind="decision")
    assert not row.provisional and row.due_on == monday
    assert (
        counts["moved_earlier_overdue"] == 0
        and not Alert.objects.filter(kind="deadline_moved_earlier").exists()
    )


def test_entering_a_year_runs_the_recompute_after_commit(world, django_capture_on_commit_callbacks) -> None:
    filed_on = filing_day_ending_on_a_saturday()
    saturday = filed_on + dt.timedelta(days=DECISION_DAYS)
    with at(filed_on):
        case = file_case(world, filed_on)
    with at(saturday + dt.timedelta(days=2)), django_capture_on_commit_callbacks(execute=True):
        calendar_notice_enter(actor=world.admin, notice_text=crafted_notice(NEXT, workdays=[saturday]))
    row = CaseDeadline.objects.get(case=case, kind="decision")
    assert not row.provisional and row.due_on == saturday
    assert Alert.objects.filter(kind="deadline_moved_earlier", object_id=str(case.pk)).exists()
