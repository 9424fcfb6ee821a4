"""行政强制法第四十三条 forbids 行政强制执行 at night and on statutory holidays; a seizure is a 行政强制措施
(第二条第二款, 第九条第二、三项; its procedure is 第三章, 第十八条 to 第二十八条, which sets no hours), and
先行登记保存 is an evidence measure of 行政处罚法第五十六条. So a measure taken at night or on a holiday
is recorded as any other — while the same moment refuses a forced demolition (enforcement), by the
same jurisdiction night. docs/documents.md ("Seized items") gives the reasoning."""

import datetime as dt

import pytest

from zhifa.core.errors import RuleViolation
from zhifa.enforcement.evidence.services import ENFORCEMENT_KINDS
from zhifa.enforcement.seizures.models import Measure
from zhifa.law import coercion

from .test_seizures import SH, _seize

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.mark.parametrize(
    ("at", "enforcement_refused"),
    [
        (dt.datetime(2025, 6, 3, 21, 59, tzinfo=SH), False),  # a working Tuesday, the minute before night
        (dt.datetime(2025, 6, 3, 22, 0, tzinfo=SH), True),  # night starts (setting coercion.night_starts)
        (dt.datetime(2025, 6, 4, 5, 59, tzinfo=SH), True),  # still night
        (dt.datetime(2025, 6, 4, 6, 0, tzinfo=SH), False),  # day again (setting coercion.night_ends)
        (dt.datetime(2025, 6, 2, 10, 0, tzinfo=SH), True),  # 端午节 holiday (core.calendar), mid-morning
    ],
)
def test_a_measure_at_night_or_on_a_holiday_is_not_refused_as_enforcement(
    kit, case, at, enforcement_refused
) -> None:
    night = coercion.night_for(kit.agency)
    if enforcement_refused:
        with pytest.raises(RuleViolation) as exc:  # what 第四十三条 does to enforcement at this moment
            coercion.check_enforcement_time(at=at, night=night)
        assert exc.value.code == "enforcement_at_night_or_holiday"
    else:
        coercion.check_enforcement_time(at=at, night=night)
    for measure in (Measure.SEIZURE, Measure.PRESERVATION):
        seizure = _seize(kit, case, measure=measure, at=at)  # no emergency reason asked for
        assert seizure.started_at == at and seizure.status == "active"
        assert "紧急情况" not in seizure.site_action.description


def test_no_seizure_measure_is_on_the_list_of_enforcement_acts() -> None:
    assert not set(Measure.values) & set(ENFORCEMENT_KINDS)
    assert "forced_demolition" in ENFORCEMENT_KINDS
