"""Inspection rules (双随机一公开, 涉企行政检查): publication of results across holidays and into unknown
years, teams of two, recusal, rotation limits, no-disturbance list, frequency and repeated-item alerts."""

import datetime as dt
from collections import Counter

import pytest

from zhifa.core import draw
from zhifa.core.errors import RuleViolation
from zhifa.law import inspection as rules
from zhifa.law.services import jurisdiction_setting_set

D = dt.date
SEED = "a1" * 32
TARGETS = [f"9135090000{i:07d}X" for i in range(60)]
INSPECTORS = [f"officer-{i:02d}" for i in range(6)]


@pytest.mark.django_db
class TestResultPublication:
    def test_twenty_working_days_across_the_national_day_holiday(self) -> None:
        # result Fri 26 Sep 2025: 28 Sep (adjusted Sunday), 29, 30 Sep; 1–8 Oct off; 9, 10, 11 (adjusted
        # Saturday) Oct … the 20th working day is Thu 30 Oct.
        due = rules.result_publication_due(D(2025, 9, 26), window_days=20)
        assert due == rules.Due(D(2025, 10, 30), provisional=False)

    def test_a_result_on_the_eve_of_the_holiday_counts_from_9_october(self) -> None:
        # result Tue 30 Sep 2025: 9, 10, 11, 13–17, 20–24, 27–31 Oct, 3, 4 Nov → Tue 4 Nov
        assert rules.result_publication_due(D(2025, 9, 30), window_days=20).on == D(2025, 11, 4)

    def test_publishing_on_the_last_day_is_in_time_and_the_next_day_is_late(self) -> None:
        result_on = D(2025, 9, 30)
        assert not rules.result_publication_overdue(result_on, on=D(2025, 11, 4), window_days=20)
        assert rules.result_publication_overdue(result_on, on=D(2025, 11, 5), window_days=20)

    def test_the_result_day_is_not_counted(self) -> None:
        # result Mon 9 June 2025: 10 June is day 1; 20 working days (端午 is 31 May – 2 June) end Mon 7 July
        assert rules.result_publication_due(D(2025, 6, 9), window_days=20).on == D(2025, 7, 7)

    def test_a_window_into_an_unknown_year_is_provisional(self) -> None:
        # result Fri 13 Dec 2030 (no official calendar): the weekday rule gives Fri 10 Jan 2031
        due = rules.result_publication_due(D(2030, 12, 13), window_days=20)
        assert due == rules.Due(D(2031, 1, 10), provisional=True)

    def test_a_provisional_window_is_late_only_after_the_latest_possible_end(self) -> None:
        # 1–3 Jan 2031 (Wed–Fri) could be 元旦 holidays: the latest end is Wed 15 Jan 2031
        result_on = D(2030, 12, 13)
        assert not rules.result_publication_overdue(result_on, on=D(2031, 1, 11), window_days=20)
        assert not rules.result_publication_overdue(result_on, on=D(2031, 1, 15), window_days=20)
        assert rules.result_publication_overdue(result_on, on=D(2031, 1, 16), window_days=20)

    def test_the_window_is_a_jurisdiction_setting_with_the_national_default(self, world) -> None:
        applied = rules.result_publication_window(agency=world.agency_a)
        assert (applied.value, applied.source) == (20, "national")
        assert "118号" in applied.basis
        jurisdiction_setting_set(
            actor=world.admin, node=world.city, key=rules.RESULT_PUBLISH_WORKING_DAYS.key, value=15
        )
        applied = rules.result_publication_window(agency=world.agency_a)
        assert (applied.value, applied.source) == (15, world.city.name)

    def test_the_period_names_its_basis(self) -> None:
        assert "118号" in rules.result_publication_period(20).article
        with pytest.raises(ValueError):
            rules.result_publication_period(-1)


class TestTeams:
    def test_two_different_inspectors_are_enough(self) -> None:
        rules.require_team(["officer-01", "officer-02"])

    @pytest.mark.parametrize("team", [[], ["officer-01"], ["officer-01", "officer-01"]])
    def test_fewer_than_two_different_inspectors_are_refused_naming_art_42(self, team: list[str]) -> None:
        with pytest.raises(RuleViolation) as exc:
            rules.require_team(team)
        assert exc.value.code == "team_too_small" and exc.value.status == 422
        assert "第四十二条" in str(exc.value.message) and "第四十二条" in exc.value.detail["article"]

    def test_an_inspector_on_the_conflict_list_is_refused_naming_art_43(self) -> None:
        rules.require_no_conflict(inspector="officer-01", target="T1", conflicts={"T2"})
        with pytest.raises(RuleViolation) as exc:
            rules.require_no_conflict(inspector="officer-01", target="T1", conflicts={"T1"})
        assert exc.value.code == "inspector_conflict" and "第四十三条" in str(exc.value.message)

    def test_the_pair_limit_allows_up_to_the_limit_and_refuses_beyond(self) -> None:
        rules.require_pair_within_limit(times_together=2, limit=3)  # this would be the 3rd time
        with pytest.raises(RuleViolation) as exc:
            rules.require_pair_within_limit(times_together=3, limit=3)  # the 4th
        assert exc.value.code == "team_pair_limit"

    def test_the_inspector_target_limit_allows_up_to_the_limit_and_refuses_beyond(self) -> None:
        rules.require_inspector_target_within_limit(inspector="O1", times=0, limit=1)  # the 1st time
        with pytest.raises(RuleViolation) as exc:
            rules.require_inspector_target_within_limit(inspector="O1", times=1, limit=1)  # the 2nd
        assert exc.value.code == "inspector_target_limit" and "第五十四条" in str(exc.value.message)


class TestAssignment:
    def test_every_drawn_target_gets_two_inspectors_reproducibly(self) -> None:
        targets = draw.draw(seed=SEED, pool=TARGETS, n=8).chosen
        teams = rules.assign_inspectors(seed=SEED, targets=targets, inspectors=INSPECTORS)
        assert all(len(set(t.members)) == 2 for t in teams)
        assert teams == rules.assign_inspectors(seed=SEED, targets=targets, inspectors=INSPECTORS)

    def test_no_inspector_is_drawn_for_a_target_on_their_conflict_list(self) -> None:
        targets = draw.draw(seed=SEED, pool=TARGETS, n=20).chosen
        # officer-00 and officer-01 have a conflict with every other drawn target
        conflicts = {"officer-00": set(targets[::2]), "officer-01": set(targets[::2])}
        unconstrained = rules.assign_inspectors(seed=SEED, targets=targets, inspectors=INSPECTORS)
        assert any({"officer-00", "officer-01"} & set(t.members) for t in unconstrained[::2])
        teams = rules.assign_inspectors(
            seed=SEED, targets=targets, inspectors=INSPECTORS, conflicts=conflicts
        )
        for team in teams:
            for member in team.members:
                assert team.target not in conflicts.get(member, set())

    def test_an_inspector_who_inspected_the_target_as_often_as_allowed_is_left_out(self) -> None:
        target = TARGETS[0]
        first = rules.assign_inspectors(seed=SEED, targets=[target], inspectors=INSPECTORS)[0].members
        history = {(first[0], target): 1}
        again = rules.assign_inspectors(
            seed=SEED, targets=[target], inspectors=INSPECTORS, inspections_by=history, target_limit=1
        )[0].members
        assert first[0] not in again
        allowed_twice = rules.assign_inspectors(
            seed=SEED, targets=[target], inspectors=INSPECTORS, inspections_by=history, target_limit=2
        )[0].members
        assert allowed_twice == first

    def test_no_pair_is_teamed_beyond_the_limit(self) -> None:
        targets = draw.draw(seed=SEED, pool=TARGETS, n=30).chosen
        teams = rules.assign_inspectors(seed=SEED, targets=targets, inspectors=INSPECTORS, pair_limit=2)
        assert max(Counter(draw.pair_key(*t.members) for t in teams).values()) <= 2

    def test_when_no_lawful_team_is_left_the_draw_is_refused_naming_the_rules(self) -> None:
        targets = draw.draw(seed=SEED, pool=TARGETS, n=2).chosen
        conflicts = {i: {targets[1]} for i in INSPECTORS[:5]}  # only officer-05 is free for the second
        with pytest.raises(RuleViolation) as exc:
            rules.assign_inspectors(seed=SEED, targets=targets, inspectors=INSPECTORS, conflicts=conflicts)
        assert exc.value.code == "no_lawful_team"
        assert exc.value.detail["target"] == targets[1]
        assert "第四十二条" in exc.value.detail["article"] and "第四十三条" in exc.value.detail["article"]

    def test_a_team_size_below_two_is_refused(self) -> None:
        with pytest.raises(RuleViolation):
            rules.assign_inspectors(seed=SEED, targets=TARGETS[:1], inspectors=INSPECTORS, team_size=1)

    def test_teams_of_three_are_possible(self) -> None:
        teams = rules.assign_inspectors(seed=SEED, targets=TARGETS[:3], inspectors=INSPECTORS, team_size=3)
        assert all(len(set(t.members)) == 3 for t in teams)

    def test_the_defaults_are_the_registered_settings(self) -> None:
        assert rules.TEAM_PAIR_MAX_PER_YEAR.default == 3
        assert rules.INSPECTOR_TARGET_MAX_PER_YEAR.default == 1
        assert rules.ENTERPRISE_MAX_PER_YEAR.default == 2


class TestNoDisturbance:
    def _listed_target_that_would_be_drawn(self) -> str:
        return draw.draw(seed=SEED, pool=TARGETS, n=5).chosen[0]

    def test_a_listed_enterprise_is_not_drawn_without_a_reason(self) -> None:
        listed = self._listed_target_that_would_be_drawn()
        result = draw.draw(seed=SEED, pool=rules.drawable(TARGETS, no_disturbance={listed}), n=5)
        assert listed not in result.chosen
        assert result.pool_size == len(TARGETS) - 1

    def test_a_blank_reason_is_no_reason(self) -> None:
        listed = self._listed_target_that_would_be_drawn()
        pool = rules.drawable(TARGETS, no_disturbance={listed}, reasons={listed: "  "})
        assert listed not in draw.draw(seed=SEED, pool=pool, n=5).chosen

    def test_a_listed_enterprise_with_a_recorded_reason_stays_in_the_pool(self) -> None:
        listed = self._listed_target_that_would_be_drawn()
        pool = rules.drawable(TARGETS, no_disturbance={listed}, reasons={listed: "投诉举报：油烟扰民"})
        assert draw.draw(seed=SEED, pool=pool, n=5).chosen[0] == listed

    def test_weighted_entries_are_filtered_the_same_way(self) -> None:
        pool = [(t, 2) for t in TARGETS[:3]]
        assert list(rules.drawable(pool, no_disturbance={TARGETS[1]})) == [pool[0], pool[2]]

    def test_the_gate_wants_a_reason_for_a_listed_enterprise(self) -> None:
        rules.require_reason_for_listed(target="T1", listed=False, reason="")
        rules.require_reason_for_listed(target="T1", listed=True, reason="数据监测发现异常")
        with pytest.raises(RuleViolation) as exc:
            rules.require_reason_for_listed(target="T1", listed=True, reason=" ")
        assert exc.value.code == "no_disturbance"
        assert "第五十四条" in str(exc.value.message)


class TestFrequency:
    def test_inspections_up_to_the_limit_raise_no_alert(self) -> None:
        dates = [D(2025, 3, 1), D(2025, 9, 1)]
        assert rules.frequency_alert(inspection_dates=dates, year=2025, limit=2) is None

    def test_one_more_than_the_limit_raises_the_alert(self) -> None:
        dates = [D(2025, 3, 1), D(2025, 9, 1), D(2025, 12, 31)]
        alert = rules.frequency_alert(inspection_dates=dates, year=2025, limit=2)
        assert alert == rules.FrequencyAlert(count=3, limit=2, year=2025)
        assert "54号" in alert.article

    def test_only_inspections_of_that_calendar_year_count(self) -> None:
        dates = [D(2024, 12, 31), D(2025, 1, 1), D(2025, 6, 1), D(2026, 1, 1)]
        assert rules.frequency_alert(inspection_dates=dates, year=2025, limit=2) is None

    def test_a_limit_of_zero_alerts_on_the_first_inspection(self) -> None:
        assert rules.frequency_alert(inspection_dates=[D(2025, 5, 5)], year=2025, limit=0) is not None
        assert rules.frequency_alert(inspection_dates=[], year=2025, limit=0) is None


class TestRepeatedItem:
    def test_a_second_inspection_of_the_same_item_in_the_year_alerts(self) -> None:
        earlier = [(D(2025, 2, 1), "食品经营许可"), (D(2025, 5, 1), "食品经营许可"), (D(2025, 6, 1), "广告")]
        alert = rules.repeated_item_alert(item="食品经营许可", on=D(2025, 9, 1), earlier=earlier)
        assert alert is not None and alert.earlier_on == D(2025, 5, 1)

    def test_another_item_or_another_year_does_not_alert(self) -> None:
        earlier = [(D(2024, 12, 31), "食品经营许可"), (D(2025, 6, 1), "广告")]
        assert rules.repeated_item_alert(item="食品经营许可", on=D(2025, 1, 1), earlier=earlier) is None

    def test_the_same_day_counts_and_a_later_date_does_not(self) -> None:
        assert rules.repeated_item_alert(item="A", on=D(2025, 3, 3), earlier=[(D(2025, 3, 3), "A")])
        assert rules.repeated_item_alert(item="A", on=D(2025, 3, 3), earlier=[(D(2025, 3, 4), "A")]) is None
