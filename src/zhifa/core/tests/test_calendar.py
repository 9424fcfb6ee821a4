import datetime as dt

import pytest

from zhifa.core import calendar
from zhifa.core.models import CalendarDay, CalendarYear

D = dt.date


@pytest.mark.django_db
class TestOfficialCalendar:
    def test_national_day_holiday_is_not_a_working_day(self) -> None:
        assert not calendar.is_working_day(D(2025, 10, 3))  # Wednesday inside 国庆 2025

    def test_adjusted_saturday_is_a_working_day(self) -> None:
        assert D(2025, 10, 11).weekday() == 5
        assert calendar.is_working_day(D(2025, 10, 11))  # 调休 Saturday after 国庆 2025

    def test_adjusted_sunday_before_the_holiday_is_a_working_day(self) -> None:
        assert calendar.is_working_day(D(2025, 9, 28))

    def test_working_days_skip_the_whole_holiday(self) -> None:
        # the first working day after 30 September 2025 is 9 October
        assert calendar.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)

    def test_working_days_count_the_adjusted_saturday(self) -> None:
        # 9 Oct (Thu), 10 Oct (Fri), 11 Oct (adjusted Sat) → the third working day after 30 Sep is 11 Oct
        assert calendar.add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)

    def test_zero_working_days_is_the_start(self) -> None:
        assert calendar.add_working_days(D(2025, 10, 3), 0) == D(2025, 10, 3)

    def test_working_days_between_is_exclusive_of_the_start(self) -> None:
        assert calendar.working_days_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
        assert calendar.working_days_between(D(2025, 10, 9), D(2025, 10, 9)) == 0


@pytest.mark.django_db
class TestUnknownYears:
    def test_unknown_year_follows_the_weekday_rule_provisionally(self) -> None:
        assert calendar.working_day(D(2031, 3, 3)) == calendar.DayFact(True, provisional=True)  # Monday
        assert calendar.working_day(D(2031, 3, 2)) == calendar.DayFact(False, provisional=True)  # Sunday
        assert calendar.year_status(2031) == calendar.YearStatus.PROVISIONAL
        assert calendar.year_status(2025) == calendar.YearStatus.OFFICIAL

    def test_confirmed_year_uses_the_admins_table_and_weekdays(self) -> None:
        CalendarYear.objects.create(year=2031, source="国务院办公厅通知（测试）")
        CalendarDay.objects.create(date=D(2031, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
        CalendarDay.objects.create(date=D(2031, 1, 4), kind=CalendarDay.Kind.WORKDAY, name="调休")
        calendar.calendar_changed()
        assert calendar.year_status(2031) == calendar.YearStatus.ENTERED
        assert calendar.working_day(D(2031, 1, 6)) == calendar.DayFact(True, provisional=False)
        assert not calendar.is_working_day(D(2031, 1, 1))  # Wednesday holiday
        assert calendar.is_working_day(D(2031, 1, 4))  # Saturday adjusted
        assert not calendar.is_working_day(D(2031, 1, 5))  # plain Sunday
        assert calendar.is_working_day(D(2031, 1, 6))  # plain Monday

    def test_table_rows_without_a_confirmed_year_leave_other_days_provisional(self) -> None:
        CalendarDay.objects.create(date=D(2031, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
        calendar.calendar_changed()
        assert calendar.working_day(D(2031, 1, 1)) == calendar.DayFact(False, provisional=False)
        assert calendar.working_day(D(2031, 1, 2)) == calendar.DayFact(True, provisional=True)

    def test_the_envelope_protects_a_party_on_provisional_days_only(self) -> None:
        assert not calendar.envelope_working(D(2031, 1, 27))  # a Monday where 春节 could fall
        assert calendar.envelope_working(D(2031, 3, 3))  # a plain Monday in March
        assert calendar.envelope_working(D(2025, 1, 26))  # known: 调休 Sunday of 2025 is a working day
        # a notice period owed to the party never counts a day that could be a holiday
        assert calendar.working_days_between(D(2031, 1, 24), D(2031, 2, 3)) == 6
        assert calendar.working_days_between(D(2031, 1, 24), D(2031, 2, 3), party_favour=True) == 0

    def test_admin_override_wins_over_the_package(self) -> None:
        CalendarDay.objects.create(date=D(2025, 10, 13), kind=CalendarDay.Kind.HOLIDAY, name="地方假日")
        calendar.calendar_changed()
        assert not calendar.is_working_day(D(2025, 10, 13))
