import datetime as dt

import pytest

from zhifa.core import calendar
from zhifa.core.calendar import UnknownCalendarYear
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
    def test_unknown_year_without_table_is_refused_not_guessed(self) -> None:
        with pytest.raises(UnknownCalendarYear) as exc:
            calendar.is_working_day(D(2031, 3, 3))
        assert exc.value.detail == {"year": 2031}
        assert "2031" in str(exc.value.message)

    def test_confirmed_year_uses_the_admins_table_and_weekdays(self) -> None:
        CalendarYear.objects.create(year=2031, source="国务院办公厅通知（测试）")
        CalendarDay.objects.create(date=D(2031, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
        CalendarDay.objects.create(date=D(2031, 1, 4), kind=CalendarDay.Kind.WORKDAY, name="调休")
        calendar.calendar_changed()
        assert not calendar.is_working_day(D(2031, 1, 1))  # Wednesday holiday
        assert calendar.is_working_day(D(2031, 1, 4))  # Saturday adjusted
        assert not calendar.is_working_day(D(2031, 1, 5))  # plain Sunday
        assert calendar.is_working_day(D(2031, 1, 6))  # plain Monday

    def test_table_rows_without_a_confirmed_year_still_refuse_other_days(self) -> None:
        CalendarDay.objects.create(date=D(2031, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
        calendar.calendar_changed()
        assert not calendar.is_working_day(D(2031, 1, 1))
        with pytest.raises(UnknownCalendarYear):
            calendar.is_working_day(D(2031, 1, 2))

    def test_admin_override_wins_over_the_package(self) -> None:
        CalendarDay.objects.create(date=D(2025, 10, 13), kind=CalendarDay.Kind.HOLIDAY, name="地方假日")
        calendar.calendar_changed()
        assert not calendar.is_working_day(D(2025, 10, 13))
