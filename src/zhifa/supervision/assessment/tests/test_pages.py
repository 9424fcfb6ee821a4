"""The pages: each renders for whom it is meant, refuses in place, and hides what is not theirs."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhifa.audit.models import AuditEntry
from zhifa.supervision.assessment import services
from zhifa.supervision.assessment.demo_data import DEMO_PDF
from zhifa.supervision.assessment.models import IndicatorSet, Material, Round
from zhifa.supervision.assessment.tests.builders import make_round, score_all, self_check, small_set

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def rnd(world, people, frozen) -> Round:
    r = make_round(world, people, ind_set=small_set())
    services.round_apply_event(
        round_id=r.pk, actor=world.users["supervisor"], event="open", data={"on": "2026-02-20"}
    )
    return r


def test_the_home_page_lists_rounds_sets_and_my_self_check(world, rnd, client) -> None:
    client.force_login(world.users["approver_a"])
    html = client.get("/assessment/").content.decode()
    link = f"/assessment/rounds/{rnd.pk}/agencies/{world.agency_a.pk}/self-check/"
    assert rnd.name in html and link in html
    assert link in client.get("/").content.decode()  # the home panel: the self-check the agency owes


def test_the_set_page_and_its_excel(world, rnd, client) -> None:
    client.force_login(world.users["officer_a"])
    s = rnd.indicator_set
    assert "持证率" in client.get(f"/assessment/sets/{s.pk}/").content.decode()
    response = client.get(f"/assessment/sets/{s.pk}/indicators.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get(f"/assessment/sets/{s.pk}/edit/").status_code == 403  # supervisors only


def test_the_set_editor_saves_a_new_version_or_shows_every_error_in_place(world, rnd, client) -> None:
    client.force_login(world.users["supervisor"])
    s = rnd.indicator_set
    page = client.get(f"/assessment/sets/{s.pk}/edit/")
    assert page.status_code == 200
    form = {"rows": "7", "name": s.name, "late_deduction": "2", "note": "调整"}
    rows = [
        ("1", "", "制度建设", "6", ""),
        ("1.1", "1", "重大决策程序", "5", "judged"),
        ("1.2", "1", "法律顾问", "2", "judged"),
        ("2", "", "数据", "4", ""),
        ("2.1", "2", "持证率", "4", "computed"),
    ]
    for i, (code, parent, name, points, method) in enumerate(rows):
        form |= {
            f"code_{i}": code,
            f"parent_{i}": parent,
            f"name_{i}": name,
            f"points_{i}": points,
            f"method_{i}": method,
        }
    form |= {"indicator_code_4": "officers.credential_rate", "formula_4": "linear", "target_4": "85"}
    response = client.post(f"/assessment/sets/{s.pk}/edit/", form)
    assert response.status_code == 422
    html = response.content.decode()
    assert "1的下级指标合计7分，超过其分值6分" in html and 'class="row-error"' in html
    assert IndicatorSet.objects.count() == 1
    form["points_1"] = "4"
    response = client.post(f"/assessment/sets/{s.pk}/edit/", form)
    assert response.status_code == 302
    assert IndicatorSet.objects.get(code=s.code, version=2).late_deduction == 2


def test_the_round_dashboard_for_the_bureau_and_a_stranger(world, rnd, client) -> None:
    client.force_login(world.users["supervisor"])
    html = client.get(f"/assessment/rounds/{rnd.pk}/").content.decode()
    assert "测试市城市管理局" in html and f"/assessment/rounds/{rnd.pk}/act/start_assessment/" in html
    response = client.post(f"/assessment/rounds/{rnd.pk}/act/start_assessment/", {"on": "2026-02-25"})
    assert response.status_code == 422 and "2026-03-01" in response.content.decode()
    client.force_login(world.users["outsider"])
    assert client.get(f"/assessment/rounds/{rnd.pk}/").status_code in (403, 404)


def test_an_agency_fills_its_self_check_with_a_file_on_the_page(world, rnd, client) -> None:
    client.force_login(world.users["approver_a"])
    url = f"/assessment/rounds/{rnd.pk}/agencies/{world.agency_a.pk}/self-check/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"score_1.1": "4", "explanation_1.1": "", "score_1.2": "2", "explanation_1.2": "有"}
    )
    assert response.status_code == 400 and "1.1" in response.content.decode()
    upload = SimpleUploadedFile("台账.pdf", DEMO_PDF, content_type="application/pdf")
    response = client.post(
        f"/assessment/rounds/{rnd.pk}/agencies/{world.agency_a.pk}/materials/",
        {"code": "1.1", "file": upload},
    )
    assert response.status_code == 302
    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 100)
    response = client.post(
        f"/assessment/rounds/{rnd.pk}/agencies/{world.agency_a.pk}/materials/", {"code": "1.1", "file": bad}
    )
    assert response.status_code == 400
    response = client.post(
        url,
        {
            "score_1.1": "4",
            "explanation_1.1": "均已履行",
            "score_1.2": "2",
            "explanation_1.2": "有",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    p = rnd.participants.get(agency=world.agency_a)
    assert p.state == "submitted" and p.submitted_on == dt.date(2026, 3, 10)
    m = Material.objects.get()
    # The file goes out through core.files: the agency and the bureau may open it, a stranger may not.
    response = client.get(f"/assessment/materials/{m.pk}/", HTTP_RANGE="bytes=0-7")
    assert response.status_code == 206 and b"".join(response.streaming_content) == DEMO_PDF[:8]
    assert AuditEntry.objects.filter(action="assessment.material_download").count() == 1
    client.force_login(world.users["officer_b"])
    assert client.get(f"/assessment/materials/{m.pk}/").status_code == 404


def test_the_assessor_score_sheet_refuses_an_adjustment_without_reason_in_place(
    world, people, rnd, client
) -> None:
    self_check(rnd, world.agency_a, world.users["approver_a"])
    services.round_apply_event(
        round_id=rnd.pk, actor=world.users["supervisor"], event="start_assessment", data={}
    )
    client.force_login(people.assessor)
    assert "测试市城市管理局" in client.get("/assessment/worklist/").content.decode()
    url = f"/assessment/rounds/{rnd.pk}/agencies/{world.agency_a.pk}/score/"
    response = client.post(
        url, {"score_1.1": "3", "score_1.2": "2", "score_2.1": "1", "score_2.2": "1", "reason_2.2": "按台账"}
    )
    assert response.status_code == 400
    response = client.post(
        url,
        {
            "score_1.1": "3",
            "note_1.1": "缺风险评估",
            "score_1.2": "2",
            "score_2.2": "1",
            "reason_2.2": "按台账",
        },
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "differs" in html  # self 4, assessor 3: the disagreement is marked
    client.force_login(people.assessor_a)
    assert client.get(url).status_code == 404  # their own agency: not shown at all


def test_the_ranking_page_has_server_side_charts(world, people, rnd, client) -> None:
    self_check(rnd, world.agency_a, world.users["approver_a"])
    self_check(rnd, world.agency_b, people.approver_b)
    boss = world.users["supervisor"]
    services.round_apply_event(round_id=rnd.pk, actor=boss, event="start_assessment", data={})
    score_all(rnd, world.agency_a, people.assessor, judged=("2", "1"))
    score_all(rnd, world.agency_b, people.assessor)
    client.force_login(world.users["approver_a"])
    assert client.get(f"/assessment/rounds/{rnd.pk}/ranking/").status_code == 404  # not confirmed yet
    client.force_login(boss)
    html = client.get(f"/assessment/rounds/{rnd.pk}/ranking/").content.decode()
    assert html.count('class="bars"') == 2 and "<script" not in html.split("</header>", 1)[-1]
    assert html.index("测试市市场监督管理局</h2>") < html.index("测试市城市管理局</h2>")
    assert client.get(f"/assessment/rounds/{rnd.pk}/report.pdf").content[:4] == b"%PDF"
