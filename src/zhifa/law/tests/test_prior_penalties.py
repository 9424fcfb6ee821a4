"""行政处罚法第二十九条 (one fine per act) and 第三十三条第一款 (首违不罚)."""

import datetime as dt
from decimal import Decimal

import pytest

from zhifa.core.errors import RuleViolation
from zhifa.law import prior_penalties as pp
from zhifa.law.prior_penalties import Act, Prior

D = dt.date


def prior(**over: object) -> Prior:
    args: dict[str, object] = {
        "case_id": 1,
        "number": "海城管罚决〔2025〕1号",
        "agency": "海州市东城区城市管理局",
        "decided_on": D(2025, 5, 20),
        "act_from": D(2025, 5, 1),
        "act_to": D(2025, 5, 1),
        "power_item": "T-DL-001",
        "provision": "《城市道路管理条例》第二十九条",
        "measures": ("fine",),
        "fine": Decimal("3000"),
    }
    args.update(over)
    return Prior(**args)  # type: ignore[arg-type]


ACT = Act(act_from=D(2025, 5, 1), act_to=D(2025, 5, 1), power_item="T-DL-001", provision="")


class TestOneFine:
    def test_a_second_fine_by_another_agency_is_refused_and_shows_the_first(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            pp.check_one_fine([prior(agency="海州市交通运输局")], ACT)
        assert exc.value.code == "fined_twice"
        assert "第二十九条" in str(exc.value.message) and "海州市交通运输局" in str(exc.value.message)
        assert exc.value.detail["earlier"][0]["number"] == "海城管罚决〔2025〕1号"

    def test_same_provision_under_another_item_is_the_same_act(self) -> None:
        act = Act(D(2025, 5, 1), D(2025, 5, 1), power_item="X-1", provision="城市道路管理条例 第二十九条")
        with pytest.raises(RuleViolation):
            pp.check_one_fine([prior()], act)

    def test_dates_must_overlap(self) -> None:
        pp.check_one_fine([prior()], Act(D(2025, 5, 2), D(2025, 5, 2), power_item="T-DL-001"))
        # a continuing act still going on overlaps everything after its start
        with pytest.raises(RuleViolation):
            pp.check_one_fine([prior(act_from=D(2025, 4, 1), act_to=None)], ACT)

    def test_a_warning_or_other_item_is_no_obstacle(self) -> None:
        pp.check_one_fine([prior(measures=("warning",), fine=None)], ACT)
        pp.check_one_fine([prior(power_item="OTHER", provision="")], ACT)


class TestHigherProvision:
    def test_the_higher_fine_must_be_chosen(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            pp.check_higher_provision(
                chosen="A", chosen_max=Decimal("20000"), concurrent=[("B", Decimal("20000.01"))]
            )
        assert exc.value.code == "lower_provision_chosen" and exc.value.detail["higher"] == "B"
        pp.check_higher_provision(
            chosen="A", chosen_max=Decimal("20000"), concurrent=[("B", Decimal("20000"))]
        )
        pp.check_higher_provision(chosen="A", chosen_max=Decimal("20000"), concurrent=[("B", None)])


class TestFirstOffence:
    def test_an_earlier_penalty_for_the_same_kind_ends_the_first_offence(self) -> None:
        later_act = Act(D(2025, 6, 1), D(2025, 6, 1), power_item="T-DL-001")
        with pytest.raises(RuleViolation) as exc:
            pp.check_first_offence([prior()], later_act)
        assert exc.value.code == "not_first_offence" and "第三十三条" in str(exc.value.message)

    def test_an_earlier_first_offence_pardon_counts_too(self) -> None:
        later_act = Act(D(2025, 6, 1), D(2025, 6, 1), power_item="T-DL-001")
        with pytest.raises(RuleViolation):
            pp.check_first_offence(
                [prior(measures=(), fine=None, no_penalty_ground="first_offence")], later_act
            )

    def test_a_penalty_decided_after_this_act_began_does_not_count(self) -> None:
        # the act judged now (1 May) came before the earlier decision (20 May)
        pp.check_first_offence([prior()], ACT)
        pp.check_first_offence([prior(decided_on=D(2025, 5, 1))], ACT)  # same day: not before

    def test_other_kinds_of_act_do_not_count(self) -> None:
        pp.check_first_offence(
            [prior(power_item="X-9", provision="")], Act(D(2025, 6, 1), D(2025, 6, 1), power_item="T-DL-001")
        )
