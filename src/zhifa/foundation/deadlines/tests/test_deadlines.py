"""The shared deadline engine, on an object no domain owns: computation, status at its edges,
suspension, extension, resolution, the daily refresh with its alerts, and the provisional recompute."""

from __future__ import annotations

import datetime as dt

import pytest

from zhifa.core.calendar import calendar_changed
from zhifa.core.models import CalendarDay, CalendarYear
from zhifa.foundation.alerts.models import Alert
from zhifa.foundation.deadlines import services as dl
from zhifa.foundation.deadlines.models import Deadline
from zhifa.foundation.deadlines.provisional import recompute_all
from zhifa.law.days import DayKind, Period

pytestmark = pytest.mark.django_db
D = dt.date
FIVE_WORKING = Period(5, DayKind.WORKING, "测试法第一条")
THIRTY_NATURAL = Period(30, DayKind.NATURAL, "测试法第二条")


@pytest.fixture
def subject(world) -> dl.Subject:  # type: ignore[no-untyped-def]
    return dl.Subject("tests.thing", 7, world.agency_a.pk)


class TestComputation:
    def test_working_days_skip_the_national_day_week(self, subject) -> None:  # type: ignore[no-untyped-def]
        row = dl.deadline_open(subject, kind="answer", period=FIVE_WORKING, start_on=D(2025, 9, 29))
        # 30 Sep, 9 Oct, 10 Oct, 11 Oct (adjusted Saturday), 13 Oct
        assert row.due_on == D(2025, 10, 13) and not row.provisional

    def test_a_natural_last_day_on_a_holiday_moves_to_the_next_working_day(self, subject) -> None:  # type: ignore[no-untyped-def]
        row = dl.deadline_open(subject, kind="filing", period=THIRTY_NATURAL, start_on=D(2025, 9, 3))
        assert row.due_on == D(2025, 10, 9)  # 3 Oct is inside 国庆

    def test_status_at_its_edges(self, subject) -> None:  # type: ignore[no-untyped-def]
        row = dl.deadline_open(subject, kind="answer", period=FIVE_WORKING, start_on=D(2025, 6, 9))
        assert row.due_on == D(2025, 6, 16)
        assert dl.status_of(row, today=D(2025, 6, 12)) == "ok"
        assert dl.status_of(row, today=D(2025, 6, 13)) == "due_soon"
        assert dl.status_of(row, today=D(2025, 6, 16)) == "due_soon"
        assert dl.status_of(row, today=D(2025, 6, 17)) == "overdue"
        assert dl.colour("overdue") == "red" and dl.colour("due_soon") == "yellow"

    def test_a_party_window_that_passed_is_met_not_overdue(self, subject) -> None:  # type: ignore[no-untyped-def]
        row = dl.deadline_open(
            subject, kind="objection", period=FIVE_WORKING, start_on=D(2025, 6, 9), party_window=True
        )
        assert dl.status_of(row, today=D(2025, 6, 17)) == "met"


class TestChanges:
    def test_resolution_is_met_on_the_last_day_and_late_after(self, subject) -> None:  # type: ignore[no-untyped-def]
        dl.deadline_open(subject, kind="a", period=FIVE_WORKING, start_on=D(2025, 6, 9))
        dl.deadline_open(subject, kind="b", period=FIVE_WORKING, start_on=D(2025, 6, 9))
        assert dl.deadline_resolve(subject, kind="a", on=D(2025, 6, 16))[0].resolution == "met"
        assert dl.deadline_resolve(subject, kind="b", on=D(2025, 6, 17))[0].resolution == "late"
        assert dl.open_rows(subject) == []
        assert dl.deadline_resolve(subject, kind="a", on=D(2025, 6, 18)) == []  # resolved once

    def test_suspended_time_is_added_in_the_periods_own_kind(self, subject) -> None:  # type: ignore[no-untyped-def]
        dl.deadline_open(subject, kind="decision", period=FIVE_WORKING, start_on=D(2025, 6, 9))
        dl.deadline_suspend(subject, on=D(2025, 6, 11), kinds=["decision"])
        row = dl.open_rows(subject)[0]
        # while suspended the effective last day moves with every working day that passes
        assert dl.effective_due(row, today=D(2025, 6, 13)) == D(2025, 6, 18)
        row = dl.deadline_resume(subject, on=D(2025, 6, 13), today=D(2025, 6, 13))[0]
        assert row.extra_days == 2 and row.due_on == D(2025, 6, 18)

    def test_an_extension_adds_days(self, subject) -> None:  # type: ignore[no-untyped-def]
        dl.deadline_open(subject, kind="decision", period=THIRTY_NATURAL, start_on=D(2025, 3, 3))
        row = dl.deadline_extend(subject, kind="decision", days=30, today=D(2025, 3, 10))[0]
        assert row.due_on == D(2025, 5, 6)  # 2 May falls in 劳动节 (1–5 May 2025), 6 May is Tuesday
        with pytest.raises(ValueError):
            dl.deadline_extend(subject, kind="decision", days=0)


class TestDailyRefresh:
    def test_an_overdue_duty_raises_one_alert_and_meeting_it_resolves_it(
        self, subject, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        dl.deadline_open(subject, kind="answer", period=FIVE_WORKING, start_on=D(2025, 6, 9))
        assert dl.deadlines_refresh(today=D(2025, 6, 17))["overdue"] == 1
        dl.deadlines_refresh(today=D(2025, 6, 18))
        alerts = Alert.objects.filter(key="tests.thing:7:answer", resolved_at__isnull=True)
        assert alerts.count() == 1 and alerts.get().kind == "deadline_overdue"
        with django_capture_on_commit_callbacks(execute=True):
            dl.deadline_resolve(subject, kind="answer", on=D(2025, 6, 18))
        assert not Alert.objects.filter(key="tests.thing:7:answer", resolved_at__isnull=True).exists()

    def test_a_party_window_that_passed_is_closed_as_elapsed(self, subject) -> None:  # type: ignore[no-untyped-def]
        dl.deadline_open(
            subject, kind="objection", period=FIVE_WORKING, start_on=D(2025, 6, 9), party_window=True
        )
        assert dl.deadlines_refresh(today=D(2025, 6, 17))["elapsed"] == 1
        row = Deadline.objects.get(kind="objection")
        assert row.resolution == "elapsed" and row.resolved_on == D(2025, 6, 16)
        assert not Alert.objects.exists()


class TestProvisional:
    def test_a_provisional_date_becomes_official_and_an_earlier_overdue_one_alerts(self, subject) -> None:  # type: ignore[no-untyped-def]
        # 2031 is a year nobody knows: Friday 3 Jan + 5 working days by the weekday rule = Friday 10 Jan
        row = dl.deadline_open(subject, kind="answer", period=FIVE_WORKING, start_on=D(2031, 1, 3))
        assert row.provisional and row.due_on == D(2031, 1, 10)
        # the notice makes Saturday 4 January an adjusted working day: the period ends a day earlier
        CalendarYear.objects.create(year=2031, source="国务院办公厅通知（测试）")
        CalendarDay.objects.create(date=D(2031, 1, 4), kind=CalendarDay.Kind.WORKDAY, name="调休")
        calendar_changed()
        counts = recompute_all(today=D(2031, 1, 20))
        assert counts["deadlines"] == 1 and counts["moved_earlier_overdue"] == 1
        row.refresh_from_db()
        assert not row.provisional and row.due_on == D(2031, 1, 9)
        alert = Alert.objects.get(kind="deadline_moved_earlier")
        assert alert.agency_id == subject.agency_id and "2031-01-09" in alert.title
        assert recompute_all(today=D(2031, 1, 20))["deadlines"] == 0  # idempotent

    def test_a_date_moved_later_raises_nothing(self, subject) -> None:  # type: ignore[no-untyped-def]
        row = dl.deadline_open(subject, kind="answer", period=FIVE_WORKING, start_on=D(2031, 1, 3))
        CalendarYear.objects.create(year=2031, source="国务院办公厅通知（测试）")
        CalendarDay.objects.create(date=D(2031, 1, 6), kind=CalendarDay.Kind.HOLIDAY, name="假日")
        calendar_changed()
        assert recompute_all(today=D(2031, 1, 20))["moved_earlier_overdue"] == 0
        row.refresh_from_db()
        assert row.due_on == D(2031, 1, 13) and not Alert.objects.exists()
