"""通报批评 told apart from 警告 through the workflow (行政处罚法第九条第（一）项, 第五十一条, 第四十五条):
decided as its own kind, printed as 通报批评 in the decision's data, counted apart in the statistics,
refused on the spot. Today is Monday 30 June 2025."""

import datetime as dt

import pytest

from zhifa.core.errors import RuleViolation
from zhifa.core.indicators import DateSpan
from zhifa.enforcement.cases import indicators
from zhifa.enforcement.cases.factories import ev
from zhifa.enforcement.cases.presenters import case_dict
from zhifa.enforcement.cases.services import case_on_spot
from zhifa.enforcement.cases.tests.test_penalty_law import filed, to_decision
from zhifa.enforcement.documents import catalogue, context

pytestmark = pytest.mark.django_db


def test_a_public_reprimand_is_decided_printed_and_counted_as_its_own_kind(kit) -> None:
    reprimanded = to_decision(kit, filed(kit), measures=("circular",))
    reprimanded = ev(reprimanded, kit.world.approver_a, "decide", decided_on="2025-05-20")
    warned = to_decision(kit, filed(kit), measures=("warning",))
    warned = ev(warned, kit.world.approver_a, "decide", decided_on="2025-05-20")
    assert reprimanded.measures == ["circular"] and warned.measures == ["warning"]
    assert case_dict(reprimanded, user=kit.world.approver_a)["penalty"]["measures_label"] == "通报批评"
    data = context.build(
        reprimanded,
        code="decision",
        title=catalogue.kind("decision").title,
        number=reprimanded.decision_number,
        date=dt.date(2025, 5, 20),
    )
    assert data["penalty"]["measures"] == ["通报批评"]
    span = DateSpan(dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    agencies = [kit.world.agency_a.pk]
    assert indicators.decided_circular(agencies, span).value == 1
    assert indicators.decided_warning(agencies, span).value == 1


def test_a_heavier_public_reprimand_after_the_party_argued_is_refused(kit) -> None:
    case = to_decision(kit, filed(kit), measures=("warning",))
    with pytest.raises(RuleViolation) as exc:
        ev(case, kit.world.approver_a, "decide", measures=["circular"], decided_on="2025-05-20")
    assert exc.value.code in ("heavier_after_statement", "heavier_than_notified")


def test_no_public_reprimand_on_the_spot(kit) -> None:
    from zhifa.enforcement.cases.factories import register_data

    data = register_data(kit)
    data.update(
        officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
        power_item_id=kit.item.pk,
        measures=["circular"],
        reasons="当场查明",
    )
    with pytest.raises(RuleViolation) as exc:
        case_on_spot(actor=kit.world.officer_a, data=data)
    assert exc.value.code == "on_spot_measure_not_allowed" and "第五十一条" in str(exc.value.message)
