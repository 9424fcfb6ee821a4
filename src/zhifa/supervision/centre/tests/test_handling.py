"""Handling a clue: dismissal with a reason, a supervision notice (文书 PDF read back, deadline on the
shared engine), the agency's response with materials (core.files), verification, return, escalation;
refusals change nothing; the API and the drawing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.core.files.services import blob_read
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.enforcement.evidence.factories import pdf_bytes
from zhifa.foundation.deadlines.models import Deadline
from zhifa.supervision.centre import services
from zhifa.supervision.centre.models import Clue, ClueState, FaultRecord, NoticeState
from zhifa.supervision.centre.tests.builders import case, clues

pytestmark = pytest.mark.django_db
CODE = "cases.lead_not_filed"


def a_clue(kit: CaseKit) -> Clue:
    case(kit, discovered_on="2025-06-03")
    services.models_run(codes=[CODE])
    found = clues(CODE)
    assert len(found) == 1
    return found[0]


def act(clue: Clue, actor: Any, event: str, **data: Any) -> Clue:
    return services.clue_apply_event(clue_id=clue.pk, actor=actor, event=event, data=data)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_a_supervisor_dismisses_with_a_reason_and_a_short_reason_is_refused(kit: CaseKit) -> None:
    clue = a_clue(kit)
    with pytest.raises(InvalidInput):
        act(clue, kit.world.supervisor, "dismiss", reason="无")
    clue.refresh_from_db()
    assert clue.state == ClueState.OPEN and clue.events.count() == 1
    act(clue, kit.world.supervisor, "dismiss", reason="经核查线索已按规定处理。")
    clue.refresh_from_db()
    assert clue.state == ClueState.DISMISSED and clue.dismiss_reason.startswith("经核查")


def test_the_agency_cannot_dismiss_its_own_clue(kit: CaseKit) -> None:
    clue = a_clue(kit)
    with pytest.raises(Forbidden):
        act(clue, kit.world.approver_a, "dismiss", reason="本单位认为没有问题。")


def test_notice_response_and_verification_walk_the_whole_way(kit: CaseKit) -> None:
    w = kit.world
    clue = a_clue(kit)
    act(
        clue,
        w.supervisor,
        "issue_notice",
        kind="notice",
        requirements="请于期限内依法作出立案或不予立案决定。",
    )
    clue.refresh_from_db()
    notice = clue.notices.get()
    # numbered in the name of the supervisor's own organ (the justice bureau), on its own counter
    assert clue.state == ClueState.NOTIFIED and notice.number == "测司监通〔2025〕1号"
    assert notice.issuer_organ_id == w.justice.pk and notice.issuer_organ_name == "测试市司法局"
    assert str(notice.due_on) == "2025-07-30"  # 30 days, the national default
    row = Deadline.objects.get(object_type="centre.notice", object_id=notice.pk)
    assert row.kind == "centre.rectification" and row.resolved_on is None
    text = pdf_text(blob_read(notice.blob))
    assert "执法监督通知书" in text and notice.number in text and "2025年7月30日" in text
    assert "测试市司法局（印章）" in text and "海州" not in text
    with pytest.raises(Conflict):
        act(clue, w.supervisor, "verify", opinion="好")
    ref = services.material_store(
        actor=w.approver_a, clue_id=clue.pk, name="整改报告.pdf", content=pdf_bytes("整改报告")
    )
    act(clue, w.approver_a, "respond", response="已依法立案调查，附整改报告。", files=[ref])
    clue.refresh_from_db()
    notice.refresh_from_db()
    assert clue.state == ClueState.RESPONDED and notice.state == NoticeState.RESPONDED
    assert notice.materials.get().name == "整改报告.pdf"
    row.refresh_from_db()
    assert row.resolution == "met"
    act(clue, w.supervisor, "verify", opinion="整改到位。")
    clue.refresh_from_db()
    notice.refresh_from_db()
    assert clue.state == ClueState.VERIFIED and notice.state == NoticeState.VERIFIED
    assert [e.kind for e in clue.events.order_by("id")] == ["raise", "issue_notice", "respond", "verify"]


def test_each_issuing_organ_numbers_its_own_notices(kit: CaseKit) -> None:
    """A supervisor who sits in the government's office (not in an agency) issues in the government's
    name, on the government's counter; the justice bureau's sequence is not shared with it."""
    from zhifa.org.factories import make_user
    from zhifa.org.roles import Role

    w = kit.world
    office = make_user("gov_supervisor", node=w.city, roles=[(Role.SUPERVISOR, w.city)], full_name="周九")
    case(kit, discovered_on="2025-06-03")
    case(kit, discovered_on="2025-06-04")
    services.models_run(codes=[CODE])
    first, second = sorted(clues(CODE), key=lambda c: c.pk)
    act(first, w.supervisor, "issue_notice", kind="notice", requirements="请依法处理。")
    act(second, office, "issue_notice", kind="notice", requirements="请依法处理。")
    by_justice, by_office = first.notices.get(), second.notices.get()
    assert by_justice.number == "测司监通〔2025〕1号"
    assert by_office.issuer_organ_id == w.city.pk and by_office.issuer_organ_name == "测试市人民政府"
    assert by_office.number == "监通〔2025〕1号"  # the government node has no abbreviation on file
    assert "测试市人民政府（印章）" in pdf_text(blob_read(by_office.blob))


def test_the_rectification_period_is_the_jurisdictions_setting(kit: CaseKit) -> None:
    from zhifa.supervision.centre.tests.builders import setting

    setting(kit, "supervision.rectification_days", 15)
    clue = a_clue(kit)
    act(clue, kit.world.supervisor, "issue_notice", requirements="请依法整改并报告。")
    assert str(clue.notices.get().due_on) == "2025-07-15"


def test_return_issues_a_new_period_and_escalation_a_decision(kit: CaseKit) -> None:
    w = kit.world
    clue = a_clue(kit)
    act(clue, w.supervisor, "issue_notice", kind="suggestion", requirements="请依法整改并报告。", days=10)
    act(clue, w.approver_a, "respond", response="已整改完毕。")
    act(clue, w.supervisor, "return", opinion="整改报告未附立案审批表。", days=5)
    clue.refresh_from_db()
    assert clue.state == ClueState.NOTIFIED and clue.notices.count() == 2
    act(clue, w.supervisor, "escalate", reason="逾期仍未整改，依法作出决定。")
    clue.refresh_from_db()
    kinds = list(clue.notices.order_by("id").values_list("kind", "state"))
    assert kinds == [("suggestion", "returned"), ("suggestion", "escalated"), ("decision", "issued")]
    assert clue.state == ClueState.ESCALATED
    assert "执法监督决定书" in pdf_text(blob_read(clue.notices.order_by("id").last().blob))


def test_a_material_of_an_unknown_type_is_refused(kit: CaseKit) -> None:
    clue = a_clue(kit)
    act(clue, kit.world.supervisor, "issue_notice", requirements="请依法整改并报告。")
    with pytest.raises(InvalidInput):
        services.material_store(
            actor=kit.world.approver_a, clue_id=clue.pk, name="x.bin", content=b"\x00\x01garbage"
        )


def test_a_damaged_material_is_refused_and_nothing_is_stored(kit: CaseKit) -> None:
    from zhifa.core.files.models import Blob

    clue = a_clue(kit)
    act(clue, kit.world.supervisor, "issue_notice", requirements="请依法整改并报告。")
    whole = pdf_bytes("整改报告")
    before = Blob.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.material_store(
            actor=kit.world.approver_a, clue_id=clue.pk, name="整改报告.pdf", content=whole[: len(whole) // 2]
        )
    assert refused.value.code == "file_corrupt"
    assert Blob.objects.count() == before
    services.material_store(actor=kit.world.approver_a, clue_id=clue.pk, name="整改报告.pdf", content=whole)
    assert Blob.objects.count() == before + 1


def test_a_response_attaches_only_files_uploaded_for_the_clue(kit: CaseKit) -> None:
    clue = a_clue(kit)
    head = kit.world.approver_a
    act(clue, kit.world.supervisor, "issue_notice", requirements="请依法整改并报告。")
    ref = services.material_store(
        actor=head, clue_id=clue.pk, name="整改报告.pdf", content=pdf_bytes("整改报告")
    )
    other_blob = clue.notices.get().blob_id  # any stored file, named by its id
    for files in (
        [{"blob_id": other_blob, "name": "x.pdf"}],
        [{**ref, "blob_id": other_blob}],
        [{**ref, "ref": ref["ref"] + "x"}],
    ):
        with pytest.raises(InvalidInput):
            act(clue, head, "respond", response="已依法整改完毕。", files=files)
    clue.refresh_from_db()
    assert clue.state == ClueState.NOTIFIED and not clue.notices.get().materials.exists()
    act(clue, head, "respond", response="已依法整改完毕。", files=[ref])
    assert clue.notices.get().materials.get().blob_id == ref["blob_id"]


def test_a_fault_record_links_the_clue_and_the_officer_sees_it(kit: CaseKit, client: Any) -> None:
    from zhifa.supervision.centre import selectors

    clue = a_clue(kit)
    record = services.fault_record(
        actor=kit.world.supervisor,
        data={
            "officer_id": kit.officer_a.pk,
            "fault": "overdue",
            "sanction": "education",
            "description": "线索逾期未处理。",
            "finding": "承办人未及时报请立案，批评教育。",
            "found_on": "2025-06-28",
            "decided_on": "2025-06-30",
            "source": "clue",
            "clue_id": clue.pk,
        },
    )
    assert record.case_id == clue.case_id and record.officer_user_id == kit.world.officer_a.pk
    assert list(selectors.faults_for(user=kit.world.officer_a)) == [record]
    assert list(selectors.faults_for(user=kit.world.officer_a2)) == []
    with pytest.raises(Forbidden):
        services.fault_record(actor=kit.world.approver_a, data={"officer_id": kit.officer_a.pk})
    with pytest.raises(InvalidInput):
        services.fault_record(
            actor=kit.world.supervisor,
            data={
                "officer_id": kit.officer_a.pk,
                "fault": "overdue",
                "sanction": "education",
                "description": "线索逾期未处理。",
                "finding": "承办人未及时报请立案。",
                "found_on": "2025-06-30",
                "decided_on": "2025-06-01",
            },
        )
    assert FaultRecord.objects.count() == 1


class TestApi:
    def test_models_clues_events_and_refusals(self, kit: CaseKit, client: Any, api_token: Any) -> None:
        clue = a_clue(kit)
        sup = api_token(kit.world.supervisor)
        r = client.get("/api/v1/supervision/models", **sup)
        assert r.status_code == 200 and {m["code"] for m in r.json()} >= {CODE}
        r = client.get(f"/api/v1/supervision/clues?model={CODE}&status=open", **sup)
        assert r.json()["count"] == 1
        r = client.post(
            f"/api/v1/supervision/clues/{clue.pk}/events",
            {"event": "issue_notice", "requirements": "请依法整改并报告。", "dayz": 3},
            content_type="application/json",
            **sup,
        )
        assert r.status_code == 400 and r.json()["code"] == "unknown_field"
        r = client.post(
            f"/api/v1/supervision/clues/{clue.pk}/events",
            {"event": "issue_notice", "requirements": "请依法整改并报告。", "days": 20},
            content_type="application/json",
            **sup,
        )
        body = r.json()
        assert r.status_code == 200 and body["state"] == "notified"
        assert body["notices"][0]["due_on"] == "2025-07-21"  # 07-20 is a Sunday
        assert body["deadlines"][0]["kind"] == "centre.rectification"
        pdf = client.get(body["notices"][0]["pdf"], **sup)
        assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
        head = api_token(kit.world.approver_a)
        up = client.post(
            f"/api/v1/supervision/clues/{clue.pk}/materials",
            {"file": io.BytesIO(pdf_bytes("整改报告"))},
            **head,
        )
        assert up.status_code == 201, up.content
        r = client.post(
            f"/api/v1/supervision/clues/{clue.pk}/events",
            {"event": "respond", "response": "已整改。", "files": [up.json()]},
            content_type="application/json",
            **head,
        )
        assert r.status_code == 200 and r.json()["state"] == "responded"
        r = client.post(
            f"/api/v1/supervision/clues/{clue.pk}/events",
            {"event": "respond", "response": "再次报告。"},
            content_type="application/json",
            **head,
        )
        assert r.status_code == 409
        r = client.get(f"/api/v1/supervision/clues/{clue.pk}/events", **sup)
        assert [e["kind"] for e in r.json()["results"]] == ["raise", "issue_notice", "respond"]
        outsider = api_token(kit.world.officer_b)
        assert client.get(f"/api/v1/supervision/clues/{clue.pk}", **outsider).status_code in (403, 404)

    def test_accountability_api(self, kit: CaseKit, client: Any, api_token: Any) -> None:
        sup = api_token(kit.world.supervisor)
        data = {
            "officer_id": kit.officer_a.pk,
            "fault": "procedure",
            "sanction": "written_review",
            "description": "未告知陈述申辩权利。",
            "finding": "违反法定程序，责令书面检查。",
            "found_on": "2025-06-20",
            "decided_on": "2025-06-25",
        }
        r = client.post("/api/v1/supervision/accountability", data, content_type="application/json", **sup)
        assert r.status_code == 201 and r.json()["sanction_label"] == "责令书面检查"
        mine = client.get("/api/v1/supervision/accountability", **api_token(kit.world.officer_a))
        assert mine.json()["count"] == 1
        other = client.get("/api/v1/supervision/accountability", **api_token(kit.world.officer_a2))
        assert other.json()["count"] == 0
        r = client.post(
            "/api/v1/supervision/accountability",
            {**data, "fault": "nonsense"},
            content_type="application/json",
            **sup,
        )
        assert r.status_code == 400


def test_the_workflow_drawing_is_current() -> None:
    from pathlib import Path

    from zhifa.supervision.centre import diagram

    path = Path(__file__).resolve().parents[5] / "docs" / "workflow-centre.md"
    assert path.read_text(encoding="utf-8") == diagram.render()


@pytest.mark.parametrize(
    ("field", "word"), [("reason", "原因"), ("requirements", "整改要求"), ("finding", "认定意见")]
)
def test_a_refused_text_names_the_field_as_the_form_shows_it(field: str, word: str) -> None:
    from django.utils import translation

    from zhifa.supervision.centre.handlers import text

    with translation.override("zh-hans"), pytest.raises(InvalidInput) as refused:
        text({field: "无"}, field, min_length=4)
    assert word in str(refused.value) and field not in str(refused.value)
