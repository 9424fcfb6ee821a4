"""补录: a discovery date before the window names its source record (行政处罚法第三十六条)."""

import datetime as dt

import pytest

from zhifa.core.errors import RuleViolation
from zhifa.law.discovery import check_discovery_date
from zhifa.law.services import jurisdiction_setting_set

D = dt.date


@pytest.mark.django_db
class TestBackfillWindow:
    # discovered Monday 2 June 2025: five working days end Monday 9 June (Dragon Boat holiday 31 May–2 June
    # is before; 3–6 June and 9 June are working days)
    def test_the_last_day_of_the_window_needs_no_source(self) -> None:
        b = check_discovery_date(
            discovered_on=D(2025, 6, 2), registered_on=D(2025, 6, 9), source_record="", agency=None
        )
        assert not b.backdated and b.window_end == D(2025, 6, 9)

    def test_the_day_after_needs_the_source_and_is_flagged(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_discovery_date(
                discovered_on=D(2025, 6, 2), registered_on=D(2025, 6, 10), source_record="", agency=None
            )
        assert exc.value.code == "discovery_source_required" and "第三十六条" in str(exc.value.message)
        b = check_discovery_date(
            discovered_on=D(2025, 6, 2),
            registered_on=D(2025, 6, 10),
            source_record="巡查日志第12页",
            agency=None,
        )
        assert b.backdated

    def test_the_window_is_a_jurisdiction_setting(self, world) -> None:
        jurisdiction_setting_set(
            actor=world.admin, node=world.city, key="penalty.discovery_backfill_working_days", value="10"
        )
        b = check_discovery_date(
            discovered_on=D(2025, 6, 2), registered_on=D(2025, 6, 10), source_record="", agency=world.agency_a
        )
        assert not b.backdated and b.applied["value"] == "10"
