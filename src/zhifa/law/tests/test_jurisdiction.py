from decimal import Decimal

import pytest

from zhifa.core.errors import InvalidInput
from zhifa.law import jurisdiction
from zhifa.law.services import jurisdiction_setting_set

KEY = "penalty.hearing_large_fine_person"


@pytest.mark.django_db
class TestJurisdictionSettings:
    def test_national_default_applies_without_a_local_value(self, world) -> None:
        applied = jurisdiction.applied(KEY, agency=world.agency_a)
        assert applied.value == Decimal("10000")
        assert applied.source == "national"
        assert "第六十三条" in applied.basis

    def test_city_value_applies_to_its_agencies_and_names_its_source(self, world) -> None:
        jurisdiction_setting_set(
            actor=world.admin, node=world.city, key=KEY, value="5000", document="测试市规定"
        )
        applied = jurisdiction.applied(KEY, agency=world.squad_a1)
        assert applied.value == Decimal("5000")
        assert applied.source == world.city.name

    def test_setting_on_an_agency_is_refused(self, world) -> None:
        with pytest.raises(InvalidInput):
            jurisdiction_setting_set(actor=world.admin, node=world.agency_a, key=KEY, value="5000")

    def test_unknown_key_and_bad_value_are_refused(self, world) -> None:
        with pytest.raises(InvalidInput):
            jurisdiction_setting_set(actor=world.admin, node=world.city, key="no.such", value="1")
        with pytest.raises(InvalidInput):
            jurisdiction_setting_set(actor=world.admin, node=world.city, key=KEY, value="lots")


@pytest.mark.django_db
def test_list_settings_round_trip_as_lists(world) -> None:
    from zhifa.law.jurisdiction import SettingSpec, register

    register(SettingSpec(key="test.list_setting", default=["查封"], kind=list, label="t", basis="测试"))
    jurisdiction_setting_set(
        actor=world.admin, node=world.city, key="test.list_setting", value="查封、扣押, 强制拆除"
    )
    assert jurisdiction.value("test.list_setting", agency=world.agency_a) == ["查封", "扣押", "强制拆除"]
    jurisdiction_setting_set(actor=world.admin, node=world.city, key="test.list_setting", value=["暂扣"])
    assert jurisdiction.value("test.list_setting", agency=world.agency_a) == ["暂扣"]


@pytest.mark.django_db
def test_int_settings_are_stored_as_numbers(world) -> None:
    row = jurisdiction_setting_set(
        actor=world.admin, node=world.city, key="normative.filing_days", value="30"
    )
    row.refresh_from_db()
    assert row.value == 30
    assert jurisdiction.value("normative.filing_days", agency=world.agency_b) == 30
