"""The deadlines engine: status at its edges, the daily refresh, alerts, provisional dates."""

import datetime as dt

import pytest
import time_machine

from zhifa.core.calendar import calendar_changed
from zhifa.core.models import CalendarYear
from zhifa.enforcement.cases.deadlines import deadlines_refresh, status_of
from zhifa.enforcement.cases.factories import approve_and_notify, ev, register, waive
from zhifa.enforcement.cases.models import CaseDeadline, State
from zhifa.enforcement.cases.tests import builders
from zhifa.enforcement.cases.tests.conftest import SH
from zhifa.foundation.alerts.models import Alert

pytestmark = pytest.mark.django_db
D = dt.date


def filed(kit, on: str):
    case = register(kit, discovered_on=on, occurred_on=on)
    return ev(
        case, kit.world.approver_a, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk], filed_on=on
    )


class TestStatus:
    def test_ok_due_soon_overdue_and_met(self, kit) -> None:
        case = filed(kit, "2025-03-12")  # due Tuesday 10 June
        row = CaseDeadline.objects.get(case=case, kind="decision")
        assert status_of(row, today=D(2025, 6, 6)) == "ok"
        assert status_of(row, today=D(2025, 6, 7)) == "due_soon"  # three days left
        assert status_of(row, today=D(2025, 6, 10)) == "due_soon"  # the last day
        assert status_of(row, today=D(2025, 6, 11)) == "overdue"
        row.resolved_on = D(2025, 6, 9)
        assert status_of(row, today=D(2025, 6, 11)) == "met"

    def test_a_passed_party_window_is_met_not_overdue(self, kit) -> None:
        case = builders.ordinary(kit, State.INVESTIGATING)
        case = ev(
            case,
            kit.world.officer_a,
            "submit_proposal",
            tier="轻微",
            measures=["fine"],
            fine_amount="100",
            reasons="x",
        )
        case = approve_and_notify(case, kit, served_on="2025-06-09")
        row = CaseDeadline.objects.get(case=case, kind="statement")
        assert row.due_on == D(2025, 6, 16)
        assert status_of(row, today=D(2025, 6, 17)) == "met"


class TestDailyRefresh:
    def test_overdue_raises_one_alert_and_meeting_it_resolves_the_alert(
        self, kit, frozen, django_capture_on_commit_callbacks
    ) -> None:
        case = filed(kit, "2025-03-12")  # decision due 10 June; today is 30 June
        counts = deadlines_refresh()
        assert counts["overdue"] == 1
        deadlines_refresh()
        alert = Alert.objects.get(kind="case_deadline")
        assert alert.key == f"case:{case.pk}:decision_overdue" and alert.resolved_at is None
        assert alert.agency_id == kit.agency.pk and "第六十条" in alert.article
        assert CaseDeadline.objects.get(case=case, kind="decision").status == "overdue"
        with django_capture_on_commit_callbacks(execute=True):
            ev(case, kit.world.approver_a, "terminate", reason="超期，报请终止调查。")
        # termination makes the row moot and closes its alert
        row = CaseDeadline.objects.get(case=case, kind="decision")
        assert row.resolution == "moot" and row.status == "met"
        assert not Alert.objects.filter(kind="case_deadline", resolved_at__isnull=True).exists()

    def test_decided_case_resolves_the_overdue_alert_after_commit(
        self, kit, frozen, django_capture_on_commit_callbacks
    ) -> None:
        case = filed(kit, "2025-05-06")
        case = ev(
            case,
            kit.world.officer_a,
            "submit_proposal",
            tier="轻微",
            measures=["fine"],
            fine_amount="100",
            reasons="x",
        )
        case = approve_and_notify(case, kit, served_on="2025-05-07")
        case = waive(case, kit.world.officer_a, rights=["statement"], waived_on="2025-05-08")
        case = ev(case, kit.world.approver_a, "decide", decided_on="2025-05-09")  # service due 20 May
        deadlines_refresh()
        assert Alert.objects.filter(key=f"case:{case.pk}:service_overdue", resolved_at__isnull=True).exists()
        with django_capture_on_commit_callbacks(execute=True):
            ev(
                case,
                kit.world.officer_a,
                "serve",
                method="post",
                served_on="2025-06-30",
                received_on="2025-06-30",
            )
        assert not Alert.objects.filter(
            key=f"case:{case.pk}:service_overdue", resolved_at__isnull=True
        ).exists()

    def test_elapsed_party_windows_are_closed(self, kit, frozen) -> None:
        case = builders.ordinary(kit, State.INVESTIGATING)
        case = ev(
            case,
            kit.world.officer_a,
            "submit_proposal",
            tier="轻微",
            measures=["fine"],
            fine_amount="100",
            reasons="x",
        )
        approve_and_notify(case, kit, served_on="2025-06-09")
        assert deadlines_refresh()["elapsed"] == 1
        row = CaseDeadline.objects.get(case=case, kind="statement")
        assert row.resolution == "elapsed" and row.resolved_on == D(2025, 6, 16)


class TestProvisionalDeadlines:
    def test_a_deadline_in_an_unpublished_year_is_provisional_until_the_year_is_entered(self, world) -> None:
        from zhifa.enforcement.cases.factories import build_case_kit

        with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=SH), tick=False):
            kit = build_case_kit(world)
            case = filed(kit, "2026-11-20")
            row = CaseDeadline.objects.get(case=case, kind="decision")
            assert row.provisional and row.due_on == D(2027, 2, 18)
            CalendarYear.objects.create(year=2027, source="国务院办公厅通知（测试）")
            calendar_changed()
            assert deadlines_refresh()["recomputed"] == 1
            row.refresh_from_db()
            assert not row.provisional and row.due_on == D(2027, 2, 18)  # a confirmed weekday-rule year
