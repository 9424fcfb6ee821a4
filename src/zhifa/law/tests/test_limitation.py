import datetime as dt

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law.limitation import add_years, check_limitation, limitation_end

D = dt.date


class TestLimitationPeriod:
    def test_discovered_on_the_second_anniversary_is_in_time_and_the_next_day_is_not(self) -> None:
        assert check_limitation(occurred_on=D(2023, 5, 10), discovered_on=D(2025, 5, 10)) == D(2025, 5, 10)
        with pytest.raises(RuleViolation) as exc:
            check_limitation(occurred_on=D(2023, 5, 10), discovered_on=D(2025, 5, 11))
        assert exc.value.code == "limitation_expired"
        assert exc.value.detail["article"] == "行政处罚法第三十六条"

    def test_five_years_when_life_health_or_financial_safety_was_harmed(self) -> None:
        check_limitation(occurred_on=D(2020, 5, 10), discovered_on=D(2025, 5, 10), serious_harm=True)
        with pytest.raises(RuleViolation) as exc:
            check_limitation(occurred_on=D(2020, 5, 10), discovered_on=D(2025, 5, 11), serious_harm=True)
        assert exc.value.detail["years"] == 5

    def test_a_continuing_act_counts_from_its_end(self) -> None:
        check_limitation(
            occurred_on=D(2018, 1, 1), ended_on=D(2024, 3, 1), continuing=True, discovered_on=D(2026, 3, 1)
        )
        with pytest.raises(RuleViolation):
            check_limitation(
                occurred_on=D(2018, 1, 1),
                ended_on=D(2024, 3, 1),
                continuing=True,
                discovered_on=D(2026, 3, 2),
            )

    def test_a_continuing_act_that_has_not_ended_has_no_period_yet(self) -> None:
        assert (
            check_limitation(occurred_on=D(2010, 1, 1), continuing=True, discovered_on=D(2026, 1, 1)) is None
        )

    def test_the_twenty_ninth_of_february_counts_to_the_twenty_eighth(self) -> None:
        assert add_years(D(2024, 2, 29), 2) == D(2026, 2, 28)
        assert limitation_end(
            occurred_on=D(2024, 2, 29), continuing=False, ended_on=None, serious_harm=False
        ) == D(2026, 2, 28)

    def test_impossible_dates_are_bad_input(self) -> None:
        with pytest.raises(InvalidInput):
            check_limitation(occurred_on=D(2025, 5, 10), discovered_on=D(2025, 5, 9))
        with pytest.raises(InvalidInput):
            check_limitation(
                occurred_on=D(2025, 5, 10),
                ended_on=D(2025, 5, 1),
                continuing=True,
                discovered_on=D(2025, 6, 1),
            )
