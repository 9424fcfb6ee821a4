import datetime as dt

import pytest

from zhifa.law.days import DayKind, Period, natural_period_end, working_period_end

D = dt.date


@pytest.mark.django_db
class TestNaturalPeriods:
    def test_start_day_is_not_counted(self) -> None:
        assert natural_period_end(D(2025, 6, 2), 15) == D(2025, 6, 17)

    def test_last_day_on_a_holiday_moves_to_the_next_working_day(self) -> None:
        # 15 days after 18 Sep 2025 is 3 Oct, inside 国庆: the period ends on 9 Oct
        assert natural_period_end(D(2025, 9, 18), 15) == D(2025, 10, 9)

    def test_last_day_on_a_weekend_moves_to_monday(self) -> None:
        assert natural_period_end(D(2025, 6, 6), 15) == D(2025, 6, 23)  # 21 June is a Saturday

    def test_last_day_on_an_adjusted_saturday_stays(self) -> None:
        assert natural_period_end(D(2025, 10, 1), 10) == D(2025, 10, 11)


@pytest.mark.django_db
class TestWorkingPeriods:
    def test_five_working_days_across_a_weekend(self) -> None:
        # notice served Friday 6 June 2025 → 5 working days end Friday 13 June
        assert working_period_end(D(2025, 6, 6), 5) == D(2025, 6, 13)

    def test_five_working_days_across_spring_festival(self) -> None:
        # 2025 春节: 28 Jan – 4 Feb off, 26 Jan (Sun) and 8 Feb (Sat) worked
        assert working_period_end(D(2025, 1, 24), 5) == D(2025, 2, 7)

    def test_period_object_dispatches_on_day_kind(self) -> None:
        p = Period(days=5, kind=DayKind.WORKING, article="行政处罚法第六十四条、第八十五条")
        assert p.end(D(2025, 6, 6)) == D(2025, 6, 13)
        q = Period(days=15, kind=DayKind.NATURAL, article="行政处罚法第六十七条")
        assert q.end(D(2025, 9, 18)) == D(2025, 10, 9)
