"""Month and year periods, obstacles that stop a period, and the earliest of several limits."""

import datetime as dt

import pytest

from zhifa.core.errors import InvalidInput
from zhifa.law.days import Due
from zhifa.law.limits import Limit, Obstacle, add_months, add_years, earliest, ends_on, stopped_end

D = dt.date


def test_months_and_years_end_on_the_corresponding_day_or_the_month_end() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)


def test_an_obstacle_cannot_end_before_it_begins() -> None:
    with pytest.raises(InvalidInput):
        Obstacle(D(2025, 3, 10), D(2025, 3, 9))


@pytest.mark.django_db
class TestEndsOn:
    def test_a_last_day_in_the_national_day_holiday_moves_to_the_next_working_day(self) -> None:
        limit = ends_on(D(2025, 10, 3), "测试")
        assert limit.due == Due(D(2025, 10, 9), False)
        assert limit.latest == D(2025, 10, 9)

    def test_an_adjusted_working_saturday_is_a_last_day(self) -> None:
        assert ends_on(D(2026, 2, 28), "测试").on == D(2026, 2, 28)

    def test_a_last_day_in_an_unknown_year_is_provisional_and_the_party_may_act_until_the_latest(
        self,
    ) -> None:
        # 2 Oct 2027 is a Saturday: the weekday rule gives Monday 4 Oct; 国庆 could run to 8 Oct
        limit = ends_on(D(2027, 10, 2), "测试")
        assert limit.due == Due(D(2027, 10, 4), True)
        assert limit.latest == D(2027, 10, 11)
        answer = limit.timeliness(D(2027, 10, 11))
        assert answer.in_time and answer.provisional
        assert not limit.timeliness(D(2027, 10, 12)).in_time
        assert not limit.elapsed(D(2027, 10, 11))
        assert limit.elapsed(D(2027, 10, 12))

    def test_a_known_last_day_is_not_stretched(self) -> None:
        limit = ends_on(D(2025, 8, 1), "测试")
        assert limit.timeliness(D(2025, 8, 1)).in_time
        assert not limit.timeliness(D(2025, 8, 2)).in_time
        assert limit.elapsed(D(2025, 8, 2))


@pytest.mark.django_db
class TestObstacles:
    START = D(2025, 3, 1)
    NOMINAL = D(2025, 4, 30)  # sixty days

    def test_the_days_of_an_obstacle_are_added_both_ends_included(self) -> None:
        stopped = stopped_end(self.START, self.NOMINAL, [Obstacle(D(2025, 3, 10), D(2025, 3, 19))], "测试")
        assert stopped == D(2025, 5, 10)

    def test_an_obstacle_that_began_before_the_period_counts_only_from_the_first_running_day(self) -> None:
        stopped = stopped_end(self.START, self.NOMINAL, [Obstacle(D(2025, 2, 20), D(2025, 3, 5))], "测试")
        assert stopped == D(2025, 5, 4)  # 2–5 March stopped

    def test_overlapping_obstacles_are_not_counted_twice(self) -> None:
        obstacles = [Obstacle(D(2025, 3, 15), D(2025, 3, 25)), Obstacle(D(2025, 3, 10), D(2025, 3, 19))]
        assert stopped_end(self.START, self.NOMINAL, obstacles, "测试") == D(2025, 5, 16)  # 10–25 March

    def test_an_obstacle_after_the_period_ended_changes_nothing(self) -> None:
        stopped = stopped_end(self.START, self.NOMINAL, [Obstacle(D(2025, 5, 1), D(2025, 5, 20))], "测试")
        assert stopped == self.NOMINAL

    def test_an_obstacle_on_the_holiday_tail_leaves_the_day_after_its_removal(self) -> None:
        # the sixty days end on 3 Oct 2025 (国庆), so the period is open until 9 Oct
        start = D(2025, 8, 4)
        stopped = stopped_end(start, D(2025, 10, 3), [Obstacle(D(2025, 10, 5), D(2025, 10, 20))], "测试")
        assert stopped == D(2025, 10, 21)


def test_the_earliest_limit_binds_and_keeps_its_article() -> None:
    a = Limit(Due(D(2026, 1, 12)), D(2026, 1, 12), "甲")
    b = Limit(Due(D(2026, 2, 24)), D(2026, 2, 24), "乙")
    assert earliest(b, a) == a


def test_a_provisional_limit_that_cannot_decide_does_not_make_the_result_provisional() -> None:
    known = Limit(Due(D(2025, 8, 1)), D(2025, 8, 1), "甲")
    far = Limit(Due(D(2030, 1, 2), True), D(2030, 1, 4), "乙")
    assert earliest(known, far) == known


def test_a_provisional_limit_that_may_decide_makes_the_result_provisional() -> None:
    provisional = Limit(Due(D(2027, 2, 1), True), D(2027, 3, 1), "甲")
    known = Limit(Due(D(2027, 2, 15)), D(2027, 2, 15), "乙")
    result = earliest(provisional, known)
    assert result.due == Due(D(2027, 2, 1), True)
    assert result.latest == D(2027, 2, 15)  # the known limit binds at the latest
    assert result.article == "甲"
