"""行政处罚法第三十条、第三十一条: age on the day of the act and capacity."""

import datetime as dt
from decimal import Decimal

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import capacity as c
from zhifa.law.capacity import AgeBand, Capacity

D = dt.date
BORN = D(2011, 6, 10)  # 14th birthday 10 June 2025, 18th birthday 10 June 2029


class TestBirthDateFromId:
    def test_eighteen_and_fifteen_digit_numbers(self) -> None:
        assert c.birth_date_from_id("11010519491231002X") == D(1949, 12, 31)
        assert c.birth_date_from_id("110105491231002") == D(1949, 12, 31)

    def test_anything_else_has_no_birth_date(self) -> None:
        assert c.birth_date_from_id("") is None
        assert c.birth_date_from_id("E12345678") is None
        assert c.birth_date_from_id("110105491331002") is None  # month 13
        assert c.birth_date_from_id("91350900MA0000001X") is None  # a credit code


class TestFullYears:
    @pytest.mark.parametrize(
        ("on", "band"),
        [
            (D(2025, 6, 9), AgeBand.UNDER_14),  # 13, the day before the birthday
            (D(2025, 6, 10), AgeBand.UNDER_14),  # the 14th birthday itself: still under 14
            (D(2025, 6, 11), AgeBand.MINOR),  # 14 from the day after the birthday
            (D(2029, 6, 10), AgeBand.MINOR),  # the 18th birthday: still 17
            (D(2029, 6, 11), AgeBand.ADULT),
        ],
    )
    def test_bands_at_the_birthdays(self, on: dt.date, band: AgeBand) -> None:
        assert c.age_band(BORN, on) == band

    def test_ages_13_14_17_18(self) -> None:
        assert c.full_years(BORN, D(2025, 6, 10)) == 13
        assert c.full_years(BORN, D(2025, 6, 11)) == 14
        assert c.full_years(BORN, D(2029, 6, 10)) == 17
        assert c.full_years(BORN, D(2029, 6, 11)) == 18

    def test_born_on_29_february_turns_a_year_older_after_1_march(self) -> None:
        born = D(2008, 2, 29)
        assert c.anniversary(born, 17) == D(2025, 3, 1)
        assert c.full_years(born, D(2026, 3, 1)) == 17  # 18th "birthday" in a common year is 1 March
        assert c.full_years(born, D(2026, 3, 2)) == 18
        assert c.full_years(born, D(2028, 2, 29)) == 19  # leap year: the birthday itself
        assert c.full_years(born, D(2028, 3, 1)) == 20

    def test_unknown_birth_date(self) -> None:
        assert c.age_band(None, D(2025, 1, 1)) == AgeBand.UNKNOWN


class TestPenaltyAllowed:
    def test_under_14_and_incapable_are_refused_naming_the_article(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            c.check_penalty_allowed(band=AgeBand.UNDER_14, capacity=Capacity.FULL)
        assert exc.value.code == "party_under_14" and "第三十条" in str(exc.value.message)
        with pytest.raises(RuleViolation) as exc:
            c.check_penalty_allowed(band=AgeBand.ADULT, capacity=Capacity.NONE)
        assert exc.value.code == "party_incapable" and "第三十一条" in str(exc.value.message)

    @pytest.mark.parametrize("band", [AgeBand.MINOR, AgeBand.ADULT, AgeBand.UNKNOWN])
    @pytest.mark.parametrize("cap", [Capacity.FULL, Capacity.LIMITED, Capacity.LUCID_INTERVAL])
    def test_others_may_be_penalised(self, band: AgeBand, cap: Capacity) -> None:
        c.check_penalty_allowed(band=band, capacity=cap)

    def test_unknown_capacity_value_is_bad_input(self) -> None:
        with pytest.raises(InvalidInput):
            c.parse_capacity("sleepy")


class TestMitigationFits:
    def test_minor_ground_refused_for_a_known_adult_but_open_when_age_unknown(self) -> None:
        with pytest.raises(RuleViolation):
            c.check_mitigation_fits(ground="minor", band=AgeBand.ADULT, capacity=Capacity.FULL)
        c.check_mitigation_fits(ground="minor", band=AgeBand.MINOR, capacity=Capacity.FULL)
        c.check_mitigation_fits(ground="minor", band=AgeBand.UNKNOWN, capacity=Capacity.FULL)

    def test_limited_capacity_ground_needs_the_recorded_capacity(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            c.check_mitigation_fits(ground="limited_capacity", band=AgeBand.ADULT, capacity=Capacity.FULL)
        assert "第三十一条" in str(exc.value.message)
        c.check_mitigation_fits(ground="limited_capacity", band=AgeBand.ADULT, capacity=Capacity.LIMITED)


class TestMinorLeniency:
    def leniency(self, **over: object) -> None:
        args: dict[str, object] = {
            "band": AgeBand.MINOR,
            "measures": ["fine"],
            "fine": Decimal("5000"),
            "tier_min": Decimal("5000"),
            "amount_class": "within_tier",
            "mitigation_ground": None,
            "leniency_reason": "",
        }
        args.update(over)
        c.check_minor_leniency(**args)  # type: ignore[arg-type]

    def test_a_fine_at_the_bottom_of_the_tier_is_lighter(self) -> None:
        self.leniency()

    def test_a_cent_above_the_bottom_is_refused_even_with_words(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            self.leniency(fine=Decimal("5000.01"), leniency_reason="考虑其年龄")
        assert exc.value.code == "minor_leniency_required" and "第三十条" in str(exc.value.message)

    def test_below_the_statutory_minimum_with_a_ground_is_reduced(self) -> None:
        self.leniency(fine=Decimal("100"), amount_class="below_legal_minimum", mitigation_ground="minor")

    def test_a_warning_is_always_light_enough(self) -> None:
        self.leniency(measures=["warning"], fine=None)

    def test_other_kinds_need_the_written_account(self) -> None:
        with pytest.raises(RuleViolation):
            self.leniency(measures=["confiscation"], fine=None)
        self.leniency(measures=["confiscation"], fine=None, leniency_reason="仅没收违法所得，不并处罚款")

    def test_adults_and_organisations_are_not_concerned(self) -> None:
        self.leniency(band=AgeBand.ADULT, fine=Decimal("9000"))
        self.leniency(band=AgeBand.UNKNOWN, fine=Decimal("9000"))
