"""Service, deferral/instalments, receipts, the appeal pause and the court window at their edges."""

import datetime as dt
from decimal import Decimal

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import execution as ex
from zhifa.law.court_enforcement import AppealSpan, application_window, check_court_application

pytestmark = pytest.mark.django_db

D = dt.date
Y = Decimal


class TestService:
    def test_announcement_counts_as_served_thirty_days_later(self) -> None:
        s = ex.check_service(
            method="public",
            act_on=D(2025, 6, 3),
            decided_on=D(2025, 6, 1),
            failed_attempts="直接送达、邮寄均被退回，下落不明",
        )
        assert (s.served_on, s.deemed, s.provisional) == (D(2025, 7, 3), True, False)
        assert "第九十五条" in s.article

    def test_announcement_whose_thirtieth_day_is_a_holiday_moves_to_the_next_working_day(self) -> None:
        # 2025-09-01 + 30 = 2025-10-01 (国庆, off until 10-08): served on 10-09
        assert ex.announcement_served_on(D(2025, 9, 1)).served_on == D(2025, 10, 9)
        # the day before the holiday is itself a working day and stays
        assert ex.announcement_served_on(D(2025, 8, 31)).served_on == D(2025, 9, 30)

    def test_announcement_without_a_record_of_failed_methods_is_refused(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            ex.check_service(method="public", act_on=D(2025, 6, 3), decided_on=None, failed_attempts=" 无 ")
        assert exc.value.code == "announcement_without_failed_attempts"
        assert "民事诉讼法第九十五条" in str(exc.value.message)

    def test_left_at_residence_needs_a_witness_or_a_video_record(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            ex.check_service(method="left", act_on=D(2025, 6, 3), decided_on=None, witnesses=["  "])
        assert exc.value.code == "left_service_without_witness"
        assert ex.check_service(
            method="left", act_on=D(2025, 6, 3), decided_on=None, witnesses=["居委会王某"]
        ).served_on == D(2025, 6, 3)
        assert ex.check_service(
            method="left", act_on=D(2025, 6, 3), decided_on=None, video_record=True
        ).served_on == D(2025, 6, 3)

    def test_post_counts_from_the_receipt_date(self) -> None:
        s = ex.check_service(
            method="post", act_on=D(2025, 6, 9), decided_on=D(2025, 6, 2), received_on=D(2025, 6, 6)
        )
        assert s.served_on == D(2025, 6, 6)
        with pytest.raises(RuleViolation):
            ex.check_service(method="post", act_on=D(2025, 6, 9), decided_on=D(2025, 6, 2))
        with pytest.raises(InvalidInput):
            ex.check_service(
                method="post", act_on=D(2025, 6, 9), decided_on=D(2025, 6, 2), received_on=D(2025, 6, 1)
            )


class TestDeferral:
    BASE = {
        "applied_on": D(2025, 7, 1),
        "application": "经济困难，申请分期",
        "approved_on": D(2025, 7, 2),
        "payment_due_on": D(2025, 7, 10),
        "outstanding": Y("3000.00"),
    }

    def test_without_the_partys_application_it_is_refused(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            ex.check_deferral(**{**self.BASE, "applied_on": None}, deferred_to=D(2025, 8, 10), schedule=[])
        assert exc.value.code == "deferral_without_application"
        assert "第六十六条第二款" in str(exc.value.message)

    def test_a_deferral_names_a_later_last_day(self) -> None:
        assert ex.check_deferral(**self.BASE, deferred_to=D(2025, 8, 10), schedule=[]) == D(2025, 8, 10)
        with pytest.raises(InvalidInput):
            ex.check_deferral(**self.BASE, deferred_to=D(2025, 7, 10), schedule=[])

    def test_instalments_must_cover_exactly_what_is_owed_on_increasing_dates(self) -> None:
        plan = ex.parse_schedule("2025-08-01 1000\n2025-09-01 1000.00\n2025-10-08 1000元")
        assert ex.check_deferral(**self.BASE, deferred_to=None, schedule=plan) == D(2025, 10, 8)
        with pytest.raises(RuleViolation) as exc:
            ex.check_deferral(**self.BASE, deferred_to=None, schedule=plan[:2])
        assert exc.value.code == "instalments_do_not_add_up"
        with pytest.raises(InvalidInput):
            ex.check_deferral(**self.BASE, deferred_to=None, schedule=[plan[1], plan[0], plan[2]])
        with pytest.raises(RuleViolation):
            ex.check_deferral(
                **{**self.BASE, "outstanding": Y("1000.00")}, deferred_to=None, schedule=plan[:1]
            )

    def test_schedule_parses_api_lists_and_refuses_bad_lines(self) -> None:
        assert ex.parse_schedule([{"due_on": "2025-08-01", "amount": "10.5"}]) == [
            ex.Instalment(D(2025, 8, 1), Y("10.50"))
        ]
        with pytest.raises(InvalidInput):
            ex.parse_schedule("八月一日 1000")
        with pytest.raises(InvalidInput):
            ex.parse_schedule([{"due_on": "2025-02-30", "amount": "1"}])


class TestReceiptsAndCash:
    def test_receipt_numbers_are_checked_and_never_reused(self) -> None:
        assert (
            ex.check_receipt_number(" 00123456-0000000001 ", on_the_spot=True, used_before=False)
            == "00123456-0000000001"
        )
        with pytest.raises(InvalidInput):
            ex.check_receipt_number("收据 1", on_the_spot=True, used_before=False)
        with pytest.raises(RuleViolation) as exc:
            ex.check_receipt_number("A1234567", on_the_spot=True, used_before=True)
        assert "第七十条" in str(exc.value.message)

    def test_cash_is_handed_in_within_two_working_days_of_collection_or_landing(self) -> None:
        # Fri 9-26 → Mon 9-29: Sun 9-28 is an adjusted working day (调休)
        assert ex.CASH_HAND_IN_PERIOD.end(D(2025, 9, 26)) == D(2025, 9, 29)
        assert ex.cash_hand_in_start(collected_on=D(2025, 6, 3), landed_on=D(2025, 6, 5)) == D(2025, 6, 5)
        assert ex.cash_hand_in_start(collected_on=D(2025, 6, 3)) == D(2025, 6, 3)


class TestAppealPause:
    def test_days_of_a_pending_or_ended_appeal_are_not_counted(self) -> None:
        due = D(2025, 7, 10)
        assert ex.surcharge_days(due_on=due, on=D(2025, 7, 20)) == 10
        pauses = [ex.Pause(D(2025, 7, 13), D(2025, 7, 15))]
        assert ex.surcharge_days(due_on=due, on=D(2025, 7, 20), pauses=pauses) == 7
        assert ex.surcharge_days(due_on=due, on=D(2025, 7, 20), pauses=[ex.Pause(D(2025, 7, 12))]) == 1
        assert ex.pauses_from([{"from": "2025-07-13", "to": None}]) == [ex.Pause(D(2025, 7, 13))]


class TestCourtWindow:
    def test_without_deferral_or_appeal_it_is_the_six_plus_three_months(self) -> None:
        assert application_window(served_on=D(2025, 1, 15)) == (D(2025, 7, 16), D(2025, 10, 15))

    def test_a_deferral_ending_after_the_time_to_sue_moves_the_window(self) -> None:
        first, last = application_window(served_on=D(2025, 1, 15), deferral_ends_on=D(2025, 9, 1))  # type: ignore[misc]
        assert (first, last) == (D(2025, 9, 2), D(2025, 12, 1))

    def test_a_pending_appeal_shuts_the_window_and_its_end_moves_it(self) -> None:
        pending = [AppealSpan("litigation", D(2025, 3, 1))]
        assert application_window(served_on=D(2025, 1, 15), appeals=pending) is None
        with pytest.raises(RuleViolation) as exc:
            check_court_application(
                served_on=D(2025, 1, 15),
                reminder_served_on=D(2025, 6, 2),
                applied_on=D(2025, 7, 16),
                appeals=pending,
            )
        assert exc.value.code == "court_application_appeal_pending"
        ended = [AppealSpan("litigation", D(2025, 3, 1), D(2025, 9, 10))]
        assert application_window(served_on=D(2025, 1, 15), appeals=ended) == (
            D(2025, 9, 11),
            D(2025, 12, 10),
        )

    def test_after_a_reconsideration_the_fifteen_days_to_sue_run_first(self) -> None:
        ended = [AppealSpan("reconsideration", D(2025, 2, 1), D(2025, 7, 10))]
        # 7-10 + 15 = 7-25; three months later 10-25 is a Saturday → Monday 10-27
        assert application_window(served_on=D(2025, 1, 15), appeals=ended) == (
            D(2025, 7, 26),
            D(2025, 10, 27),
        )


class TestMissedInstalment:
    """第六十六条第二款 with 第七十二条 and 行政强制法第四十五条: a missed instalment carries its own
    surcharge, 3 % of its unpaid amount per day, capped at the instalment."""

    PLAN = (ex.Instalment(D(2025, 3, 10), Y("300.00")), ex.Instalment(D(2025, 4, 10), Y("700.00")))

    def run(self, payments, on, pauses=()):
        return ex.instalment_surcharges(schedule=self.PLAN, payments=payments, on=on, pauses=pauses)

    def test_paid_on_the_due_day_is_in_time(self) -> None:
        first, second = self.run([(D(2025, 3, 10), Y("300"))], D(2025, 3, 20))
        assert (first.status, first.days_late, first.surcharge) == ("paid", 0, Y("0.00"))
        assert (second.status, second.surcharge) == ("open", Y("0.00"))

    def test_paid_the_day_after_costs_one_day_on_the_instalment_only(self) -> None:
        first, second = self.run([(D(2025, 3, 11), Y("300"))], D(2025, 3, 20))
        assert (first.status, first.days_late, first.surcharge) == ("paid_late", 1, Y("9.00"))  # 3 % of 300
        assert second.surcharge == Y("0.00")

    def test_still_unpaid_it_keeps_running_on_the_instalment_not_the_fine(self) -> None:
        first, _second = self.run([], D(2025, 3, 15))
        assert (first.status, first.days_late, first.surcharge) == ("overdue", 5, Y("45.00"))

    def test_capped_at_the_instalment(self) -> None:
        # 33 days = 99 %, the 34th would make 102 %: capped at the instalment's 300
        assert self.run([], D(2025, 4, 12))[0].surcharge == Y("297.00")
        assert self.run([], D(2025, 4, 13))[0].surcharge == Y("300.00")
        assert self.run([], D(2026, 1, 1))[0].surcharge == Y("300.00")

    def test_a_part_payment_lowers_the_base_from_the_next_day(self) -> None:
        # 100 paid on 12 March: 11 and 12 March on 300, then 13–14 March on 200
        first, _ = self.run([(D(2025, 3, 12), Y("100"))], D(2025, 3, 14))
        assert first.days_late == 4 and first.surcharge == Y("30.00")  # 9 + 9 + 6 + 6
        assert first.paid == Y("100") and first.status == "overdue"

    def test_payments_go_to_the_earliest_instalment_first(self) -> None:
        first, second = self.run([(D(2025, 3, 5), Y("500"))], D(2025, 4, 12))
        assert first.status == "paid" and second.paid == Y("200")
        assert (second.days_late, second.surcharge) == (2, Y("30.00"))  # 3 % of the 500 unpaid, two days

    def test_days_of_a_pending_appeal_are_left_out(self) -> None:
        pause = ex.Pause(D(2025, 3, 12), D(2025, 3, 13))
        first, _ = self.run([], D(2025, 3, 15), pauses=[pause])
        assert (first.days_late, first.surcharge) == (3, Y("27.00"))
