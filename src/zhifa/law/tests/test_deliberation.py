"""行政处罚法第五十七条第二款 (serious cases deliberated) and 第六十条 (capped extensions)."""

import datetime as dt
from decimal import Decimal

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import deliberation as d
from zhifa.law.services import jurisdiction_setting_set

D = dt.date
Y = Decimal


@pytest.mark.django_db
class TestSeriousCases:
    def test_national_defaults_are_the_hearing_thresholds(self) -> None:
        assert d.serious_case(
            party_kind="person", measures=["fine"], fine=Y("10000"), confiscation_value=None, agency=None
        ).grounds == ("large_fine",)
        assert not d.serious_case(
            party_kind="person", measures=["fine"], fine=Y("9999.99"), confiscation_value=None, agency=None
        ).grounds
        assert not d.serious_case(
            party_kind="organisation",
            measures=["fine"],
            fine=Y("99999.99"),
            confiscation_value=None,
            agency=None,
        ).grounds
        assert d.serious_case(
            party_kind="organisation",
            measures=["confiscation"],
            fine=None,
            confiscation_value=Y("100000"),
            agency=None,
        ).grounds == ("large_confiscation",)

    def test_revocation_and_closure_are_always_serious(self) -> None:
        assert d.serious_case(
            party_kind="organisation",
            measures=["revocation"],
            fine=None,
            confiscation_value=None,
            agency=None,
        ).grounds == ("revocation",)
        assert d.serious_case(
            party_kind="organisation",
            measures=["suspension"],
            fine=None,
            confiscation_value=None,
            agency=None,
        ).grounds == ("suspension",)

    def test_a_province_hearing_threshold_moves_the_default_and_its_own_setting_wins(self, world) -> None:
        jurisdiction_setting_set(
            actor=world.admin, node=world.city, key="penalty.hearing_large_fine_person", value="5000"
        )
        s = d.serious_case(
            party_kind="person",
            measures=["fine"],
            fine=Y("5000"),
            confiscation_value=None,
            agency=world.agency_a,
        )
        assert s.grounds == ("large_fine",) and s.applied[0]["key"] == "penalty.hearing_large_fine_person"
        jurisdiction_setting_set(
            actor=world.admin, node=world.city, key="penalty.deliberation_fine_person", value="8000"
        )
        s = d.serious_case(
            party_kind="person",
            measures=["fine"],
            fine=Y("5000"),
            confiscation_value=None,
            agency=world.agency_a,
        )
        assert not s.grounds and s.applied[0]["value"] == "8000"


@pytest.mark.django_db
class TestExtension:
    RULE = "部门规章：经负责人批准可延长三十日"

    def test_the_first_extension_is_capped_by_the_rule(self) -> None:
        a = d.check_extension(previous=[], days=30, rule=self.RULE, deliberated_on=None, agency=None)
        assert a.number == 1 and a.cap == 30 and not a.needs_deliberation
        with pytest.raises(RuleViolation) as exc:
            d.check_extension(previous=[], days=31, rule=self.RULE, deliberated_on=None, agency=None)
        assert exc.value.code == "extension_over_cap" and "第六十条" in str(exc.value.message)

    def test_the_rule_must_be_cited(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            d.check_extension(previous=[], days=10, rule=" ", deliberated_on=None, agency=None)
        assert exc.value.code == "extension_rule_required"
        with pytest.raises(InvalidInput):
            d.check_extension(previous=[], days=0, rule=self.RULE, deliberated_on=None, agency=None)

    def test_a_further_extension_needs_a_deliberation(self) -> None:
        first = [{"days": 30}]
        with pytest.raises(RuleViolation) as exc:
            d.check_extension(previous=first, days=10, rule=self.RULE, deliberated_on=None, agency=None)
        assert exc.value.code == "extension_needs_deliberation"
        a = d.check_extension(
            previous=first, days=30, rule=self.RULE, deliberated_on=D(2025, 6, 1), agency=None
        )
        assert a.number == 2 and a.needs_deliberation

    def test_no_unlimited_chain(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            d.check_extension(
                previous=[{"days": 30}, {"days": 30}],
                days=1,
                rule=self.RULE,
                deliberated_on=D(2025, 6, 1),
                agency=None,
            )
        assert exc.value.code == "extension_limit_reached"

    def test_the_jurisdiction_sets_the_cap(self, world) -> None:
        jurisdiction_setting_set(
            actor=world.admin, node=world.city, key="penalty.decision_extension_days", value="15"
        )
        with pytest.raises(RuleViolation):
            d.check_extension(
                previous=[], days=16, rule=self.RULE, deliberated_on=None, agency=world.agency_a
            )
        assert (
            d.check_extension(
                previous=[], days=15, rule=self.RULE, deliberated_on=None, agency=world.agency_a
            ).applied["source"]
            == world.city.name
        )
