"""事前公开 of the power list: published items only, with basis, discretion tiers, guide, and the
procedure diagram drawn from the case workflow table."""

import pytest
from django.utils.html import escape

from zhifa.enforcement.cases import workflow
from zhifa.enforcement.cases.models import State
from zhifa.powers.factories import make_item, tier
from zhifa.public.portal.flowchart import MAIN_PATHS, steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(world):
    live = make_item(
        "T-DL-001", agency=world.agency_a, name="未经批准挖掘城市道路", penalty_provision="《城市道路管理条例》第四十二条",
        guide="到城管局窗口提交申请材料。", tiers=(tier("轻微", None, 5000, "面积较小，及时回填"), tier("严重", 5000, 20000)),
    )  # fmt: skip
    draft = make_item("T-DL-002", agency=world.agency_a, name="尚未发布的事项", publish=False)
    other = make_item("T-SJ-001", agency=world.agency_b, name="销售过期食品", category="penalty")
    return live, draft, other


def test_the_public_list_shows_published_items_only(client, items) -> None:
    _live, draft, _other = items
    page = client.get("/portal/powers/").content.decode()
    assert "未经批准挖掘城市道路" in page and "销售过期食品" in page and "尚未发布的事项" not in page
    assert client.get(f"/portal/powers/{draft.pk}/").status_code == 404


def test_filters_by_agency_and_search(client, items, world) -> None:
    page = client.get("/portal/powers/", {"agency": world.agency_b.pk}).content.decode()
    assert "销售过期食品" in page and "未经批准挖掘城市道路" not in page
    page = client.get("/portal/powers/", {"q": "T-DL"}).content.decode()
    assert "未经批准挖掘城市道路" in page and "销售过期食品" not in page
    assert client.get("/portal/powers/", {"category": "nonsense", "agency": "x"}).status_code == 200


def test_the_item_page_shows_basis_tiers_guide_and_the_procedure_diagram(client, items) -> None:
    live, _draft, _other = items
    page = client.get(f"/portal/powers/{live.pk}/").content.decode()
    assert "《城市道路管理条例》第四十二条" in page and "面积较小，及时回填" in page
    assert "到城管局窗口提交申请材料。" in page
    assert '<svg class="chart flow"' in page
    assert escape(str(State.INVESTIGATING.label)) in page  # a box per state of the workflow


def test_the_diagram_follows_the_workflow_table() -> None:
    ordinary = {s.state: s for s in steps("ordinary")}
    labels = {t.event: str(t.label) for t in workflow.TABLE}
    # every forward step of the main path is an event of the table leading there
    assert labels["file"] in ordinary["registered"].forward
    assert labels["decide"] in ordinary["notified"].forward
    assert labels["serve"] in ordinary["decided"].forward
    # the ways out are drawn beside their state
    assert any(event == labels["decline"] for event, _t in ordinary["registered"].sides)
    assert any(event == labels["request_legal_review"] for event, _t in ordinary["proposed"].sides)
    assert any(event == labels["decide_no_penalty"] for event, _t in ordinary["notified"].sides)
    simple = [s.state for s in steps("simple")]
    assert simple == list(MAIN_PATHS["simple"])
    assert labels["decide_on_spot"] in steps("simple")[0].forward


def test_procedure_pages(client) -> None:
    assert client.get("/portal/procedures/ordinary/").status_code == 200
    page = client.get("/portal/procedures/simple/").content.decode()
    assert "简易程序" in page and escape(str(workflow.BY_EVENT["decide_on_spot"].label)) in page
    assert client.get("/portal/procedures/secret/").status_code == 404
