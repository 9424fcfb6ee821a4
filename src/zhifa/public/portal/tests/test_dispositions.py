"""事后公开 of seized property: what was confiscated, sold or destroyed is listed with the agency,
document, items, outcome, date, basis and proceeds — never the receiver or internal notes."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from zhifa.enforcement.cases.factories import advance, register
from zhifa.enforcement.cases.models import State
from zhifa.enforcement.evidence.tests.conftest import evidence_root  # noqa: F401 — documents are stored
from zhifa.enforcement.seizures import services

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_sold_property_is_listed_and_returned_property_is_not(client, kit, evidence_root) -> None:  # noqa: F811
    case = advance(kit, register(kit, discovered_on="2025-09-15", occurred_on="2025-09-12"), State.INVESTIGATING,
                   start=dt.date(2025, 9, 15))  # fmt: skip
    items = [
        {"description": "小型挖掘机", "quantity": "1", "unit": "台", "estimated_value": "150000"},
        {"description": "液压破碎锤", "quantity": "2", "unit": "把"},
    ]
    seizure = services.seizure_record(
        actor=kit.world.approver_a, case_id=case.pk, measure="seizure", reason="涉嫌违法挖掘道路的作业工具",
        basis="《城市道路管理条例》第四十二条", started_at=dt.datetime(2025, 9, 16, 10, tzinfo=SH),
        officer_ids=[kit.officer_a.pk, kit.officer_a2.pk], items=items, storage_location="暂扣物品仓库",
        location="建设路",
    )  # fmt: skip
    _first, second = seizure.items.order_by("position")
    services.seizure_dispose(
        actor=kit.world.officer_a, seizure_id=seizure.pk, outcome="returned", decided_on=dt.date(2025, 9, 20),
        item_ids=[second.pk], receiver="当事人委托人 李某",
    )  # fmt: skip
    services.seizure_dispose(
        actor=kit.world.officer_a, seizure_id=seizure.pk, outcome="auctioned", decided_on=dt.date(2025, 9, 22),
        proceeds=Decimal("120000.00"), basis="易腐烂变质不宜保管", note="内部备注：拍卖行联系人王某",
    )  # fmt: skip
    page = client.get("/portal/dispositions/").content.decode()
    assert seizure.number in page and "小型挖掘机 × 1台" in page and "120000.00" in page
    assert "液压破碎锤" not in page  # returned to the party
    assert "李某" not in page and "王某" not in page  # receivers and internal notes stay internal
