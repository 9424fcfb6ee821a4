"""行政强制法第四十三条 (night and holidays, by the jurisdiction's night) and 第十九条 (24 hours)."""

import datetime as dt
import zoneinfo

import pytest

from zhifa.core.errors import RuleViolation
from zhifa.law import coercion
from zhifa.law.services import jurisdiction_setting_set

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NIGHT = coercion.Night(dt.time(22, 0), dt.time(6, 0))


def at(y: int, m: int, d: int, hh: int, mm: int) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.mark.django_db
class TestEnforcementTime:
    def test_21_59_is_day_and_22_00_is_night(self) -> None:
        assert coercion.check_enforcement_time(at=at(2025, 6, 4, 21, 59), night=NIGHT).night is False
        with pytest.raises(RuleViolation) as exc:
            coercion.check_enforcement_time(at=at(2025, 6, 4, 22, 0), night=NIGHT)
        assert exc.value.code == "enforcement_at_night_or_holiday"
        assert "行政强制法第四十三条" in str(exc.value.message)

    def test_05_59_is_night_and_06_00_is_day(self) -> None:
        with pytest.raises(RuleViolation):
            coercion.check_enforcement_time(at=at(2025, 6, 4, 5, 59), night=NIGHT)
        assert coercion.check_enforcement_time(at=at(2025, 6, 4, 6, 0), night=NIGHT).night is False

    def test_a_holiday_is_refused_and_an_emergency_with_its_reason_is_allowed(self) -> None:
        with pytest.raises(RuleViolation):
            coercion.check_enforcement_time(at=at(2025, 10, 1, 10, 0), night=NIGHT)
        done = coercion.check_enforcement_time(
            at=at(2025, 10, 1, 23, 0), night=NIGHT, emergency_reason="危房随时可能倒塌"
        )
        assert (done.night, done.day_off, done.emergency) == (True, True, True)
        # an adjusted working Saturday (调休) is a working day
        assert coercion.check_enforcement_time(at=at(2025, 9, 28, 10, 0), night=NIGHT).day_off is False

    def test_the_citys_night_applies_to_its_agencies(self, world) -> None:
        assert coercion.night_for(world.agency_a) == NIGHT
        jurisdiction_setting_set(
            actor=world.admin, node=world.city, key="coercion.night_starts", value="23:00"
        )
        night = coercion.night_for(world.agency_a)
        assert night.starts == dt.time(23, 0)
        assert coercion.check_enforcement_time(at=at(2025, 6, 4, 22, 0), night=night).night is False
        with pytest.raises(RuleViolation):
            coercion.check_enforcement_time(at=at(2025, 6, 4, 23, 0), night=night)


def test_emergency_report_is_late_after_24_hours_and_a_refusal_lifts_the_measure() -> None:
    taken = at(2025, 6, 4, 10, 0)
    ok = coercion.check_emergency_approval(taken_at=taken, reported_at=at(2025, 6, 5, 10, 0), approved=True)
    assert (ok.reported_late, ok.must_lift) == (False, False)
    late = coercion.check_emergency_approval(
        taken_at=taken, reported_at=at(2025, 6, 5, 10, 1), approved=False
    )
    assert (late.reported_late, late.must_lift) == (True, True)
