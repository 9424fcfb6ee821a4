import datetime as dt

import pytest

from zhifa.core.errors import Conflict, RuleViolation
from zhifa.enforcement.cases.factories import add_signed_waiver, ev, register
from zhifa.enforcement.cases.models import State
from zhifa.enforcement.documents.models import Document
from zhifa.enforcement.documents.services import document_generate, document_regenerate, template_version_add
from zhifa.enforcement.evidence.factories import jpeg_bytes, make_evidence, mp4_bytes
from zhifa.enforcement.evidence.models import Evidence
from zhifa.enforcement.evidence.services import site_action_record

from .helpers import pdf_fonts_embedded, pdf_text

pytestmark = pytest.mark.django_db
START = dt.date(2025, 5, 6)


def advance(kit, case, target, *, start, fine="3000.00"):
    """The cases app's `advance`, continuing from whatever state the case is in."""
    from zhifa.enforcement.cases import workflow
    from zhifa.enforcement.cases.factories import advance as from_registered
    from zhifa.enforcement.cases.factories import day

    if case.state == State.REGISTERED:
        return from_registered(kit, case, target, start=start, fine=fine)
    w = kit.world
    steps = [
        (
            "submit_proposal",
            w.officer_a,
            {"tier": "轻微", "measures": ["fine"], "fine_amount": fine, "reasons": "挖掘面积较小，已回填。"},
        ),
        ("approve_decision", w.approver_a, {"approved_on": day(start, 1)}),
        ("notify", w.officer_a, {"served_on": day(start, 1)}),
        ("waive_rights", w.officer_a, {"waived_on": day(start, 2), "rights": ["statement"]}),
        ("decide", w.approver_a, {"decided_on": day(start, 2), "reasons": "事实清楚，证据确凿。"}),
        ("serve", w.officer_a, {"method": "direct", "served_on": day(start, 3), "receipt": "送达回证"}),
        (
            "record_payment",
            w.officer_a,
            {"amount": fine, "paid_on": day(start, 4), "channel": "bank", "receipt_no": "NO.0001"},
        ),
        ("report_closing", w.officer_a, {"summary": "罚款已缴清，结案。", "written_on": day(start, 5)}),
        ("close", w.approver_a, {"closed_on": day(start, 5)}),
        ("archive", w.officer_a, {"archived_on": day(start, 5)}),
    ]
    done: set[str] = set()
    for name, actor, data in steps:
        if case.state == target:
            break
        if case.state in workflow.transition(name).sources and name not in done:
            payload = dict(data)
            if name == "waive_rights":
                payload["document"] = add_signed_waiver(case, w.officer_a)
            case = ev(case, actor, name, **payload)
            done.add(name)
    assert case.state == target, case.state
    return case


def _register(kit):
    return register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01")


def _codes(case) -> list[str]:
    return list(
        Document.objects.filter(case=case)
        .exclude(state="superseded")
        .order_by("id")
        .values_list("code", flat=True)
    )


def _investigate(kit, case):
    make_evidence(
        actor=kit.world.officer_a,
        agency=kit.agency,
        case=case,
        data=jpeg_bytes(seed=1),
        description="挖掘现场照片",
        captured_at=dt.datetime(2025, 5, 6, 9, 30, tzinfo=dt.UTC),
    )
    return document_generate(
        case=case,
        code="inquiry_record",
        actor=kit.world.officer_a,
        inputs={"person": "王某", "qa": [{"q": "是否经过批准？", "a": "没有。"}]},
    )


def test_the_workflow_produces_its_documents_and_freezes_what_it_serves(kit, frozen) -> None:
    case = advance(kit, _register(kit), State.PROPOSED, start=START)
    _investigate(kit, case)
    case = advance(kit, case, State.CLOSED, start=START)
    assert _codes(case) == [
        "filing_approval",
        "inspection_record",
        "inquiry_record",
        "decision_approval",
        "prior_notice",
        "proof_of_service",
        "decision",
        "proof_of_service",
        "closing_report",
        "closing_approval",
    ]
    decision = Document.objects.get(case=case, code="decision")
    assert decision.state == "served" and decision.served_on == dt.date(2025, 5, 9)
    assert decision.number == case.decision_number
    notice = Document.objects.get(case=case, code="prior_notice")
    assert notice.state == "served" and notice.served_on == dt.date(2025, 5, 7)


def test_the_decision_pdf_reads_back_with_case_number_party_and_amount_in_chinese(kit, frozen) -> None:
    case = advance(kit, _register(kit), State.PROPOSED, start=START)
    _investigate(kit, case)
    case = advance(kit, case, State.DECIDED, start=START, fine="3000.00")
    decision = Document.objects.get(case=case, code="decision")
    text = pdf_text(decision)
    for expected in (
        case.number,
        case.decision_number,
        case.party_name,
        "叁仟元整",
        "3,000.00",
        "行政处罚决定书",
        "《城市道路管理条例》第四十二条",
        "轻微",
        decision.context["evidence"][0]["sha256"][:20],
    ):
        assert expected in text.replace("\n", ""), expected
    assert pdf_fonts_embedded(decision)
    assert decision.blob.mime == "application/pdf" and len(decision.blob.sm3) == 64


def test_a_served_document_never_changes(kit, frozen) -> None:
    case = advance(kit, _register(kit), State.SERVED, start=START)
    decision = Document.objects.get(case=case, code="decision")
    with pytest.raises(Conflict) as exc:
        document_regenerate(actor=kit.world.officer_a, document_id=decision.pk)
    assert exc.value.code == "document_served"
    with pytest.raises(Conflict):
        document_generate(case=case, code="decision", actor=kit.world.officer_a)


def test_regenerating_an_unserved_document_supersedes_it_and_keeps_the_old_pdf(kit, frozen) -> None:
    case = advance(kit, _register(kit), State.DECIDED, start=START)
    first = Document.objects.get(case=case, code="decision")
    old_sha = first.blob.sha256
    second = document_regenerate(actor=kit.world.officer_a, document_id=first.pk)
    first.refresh_from_db()
    assert first.state == "superseded" and first.blob.sha256 == old_sha
    assert second.supersedes_id == first.pk and second.number == first.number
    assert _codes(case).count("decision") == 1


def test_new_documents_use_the_current_template_version_and_old_ones_keep_theirs(kit, frozen) -> None:
    case = advance(kit, _register(kit), State.PROPOSED, start=START)
    first = document_generate(
        case=case, code="inspection_record", actor=kit.world.officer_a, inputs={"findings": "路面已开挖"}
    )
    body = first.version.body.replace("现场检查（勘验）笔录", "现场检查（勘验）笔录（第二版）")
    version = template_version_add(
        actor=kit.world.admin, code="inspection_record", body=body, note="加版本标记"
    )
    assert version.version == 2
    second = document_generate(
        case=case, code="inspection_record", actor=kit.world.officer_a, inputs={"findings": "x"}
    )
    assert "第二版" in pdf_text(second) and "第二版" not in pdf_text(first)
    assert first.version.version == 1 and second.version_id == version.pk


def test_only_admins_edit_templates_and_broken_ones_are_refused(kit) -> None:
    from zhifa.core.errors import Forbidden, InvalidInput

    with pytest.raises(Forbidden):
        template_version_add(actor=kit.world.officer_a, code="decision", body="<p>x</p>")
    with pytest.raises(InvalidInput):
        template_version_add(actor=kit.world.admin, code="decision", body="{% if %}")


class TestArchive:
    def test_archiving_is_refused_for_a_missing_document_naming_the_article(self, kit, frozen) -> None:
        case = advance(kit, _register(kit), State.INVESTIGATING, start=START)
        make_evidence(  # a photo is evidence (第四十条), but no 笔录 was made (第五十五条)
            actor=kit.world.officer_a, agency=kit.agency, case=case, data=jpeg_bytes(seed=3)
        )
        case = advance(kit, case, State.CLOSED, start=START)
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.officer_a, "archive", archived_on="2025-05-11")
        message = str(exc.value.message)
        assert "询问笔录" in message and "行政处罚法第五十五条" in message
        case.refresh_from_db()
        assert case.state == State.CLOSED

    def test_archiving_is_refused_while_a_seizure_has_no_video(self, kit, frozen, client) -> None:
        from django.urls import reverse

        def dossier_page() -> str:
            client.force_login(kit.world.officer_a)
            response = client.get(reverse("documents:dossier", args=[case.pk]))
            assert response.status_code == 200
            return response.content.decode()

        case = advance(kit, _register(kit), State.PROPOSED, start=START)
        _investigate(kit, case)
        action = site_action_record(
            actor=kit.world.officer_a,
            agency=kit.agency,
            case=case,
            kind="seizure",
            occurred_at=dt.datetime(2025, 5, 6, 10, 0, tzinfo=dt.UTC),
        )
        case = advance(kit, case, State.CLOSED, start=START)
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.officer_a, "archive", archived_on="2025-05-11")
        assert "国办发〔2018〕118号" in str(exc.value.message)
        assert "缺少音像记录" in dossier_page()  # the dossier page says why, beside the action
        make_evidence(
            actor=kit.world.officer_a,
            agency=kit.agency,
            case=case,
            data=mp4_bytes(seed=5),
            action_id=action.pk,
        )
        assert "缺少音像记录" not in dossier_page()
        case = ev(case, kit.world.officer_a, "archive", archived_on="2025-05-11")
        assert case.state == State.ARCHIVED

    def test_archiving_is_refused_when_an_evidence_file_was_altered(self, kit, frozen, evidence_root) -> None:
        import os

        case = advance(kit, _register(kit), State.PROPOSED, start=START)
        _investigate(kit, case)
        case = advance(kit, case, State.CLOSED, start=START)
        [path] = [
            p
            for p in (evidence_root / "sha256").rglob("*")
            if p.is_file() and p.stat().st_size < 100_000 and p.read_bytes()[:3] == b"\xff\xd8\xff"
        ]
        os.chmod(path, 0o640)
        path.write_bytes(path.read_bytes()[:-1] + b"\x00")
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.officer_a, "archive", archived_on="2025-05-11")
        tampered = Evidence.objects.get(case=case, kind="photo").blob.sha256[:16]
        assert tampered in str(exc.value.message) and "行政处罚法第四十七条" in str(exc.value.message)

    def test_a_complete_file_is_archived_with_its_index_and_becomes_read_only(self, kit, frozen) -> None:
        case = advance(kit, _register(kit), State.PROPOSED, start=START)
        _investigate(kit, case)
        case = advance(kit, case, State.ARCHIVED, start=START)
        index = Document.objects.get(case=case, code="dossier_index")
        text = pdf_text(index)
        assert "卷内目录" in text and "行政处罚决定书" in text and case.number in text
        evidence_sha = index.context["dossier"]["evidence"][0]["sha256"]
        assert evidence_sha[:24] in text.replace("\n", "")
        with pytest.raises(Conflict):
            document_generate(case=case, code="inspection_record", actor=kit.world.officer_a)
        with pytest.raises(Conflict):
            make_evidence(actor=kit.world.officer_a, agency=kit.agency, case=case, data=jpeg_bytes(seed=9))


def test_an_event_that_happens_again_adds_a_document_and_leaves_the_served_one(kit, frozen) -> None:
    from zhifa.enforcement.cases.models import CaseEvent

    case = advance(kit, _register(kit), "notified", start=START)
    first = Document.objects.get(case=case, code="prior_notice")
    notify = CaseEvent.objects.get(case=case, name="notify")
    second = document_generate(
        case=case, code="prior_notice", actor=kit.world.officer_a, event=notify, served_on=notify.occurred_on
    )
    first.refresh_from_db()
    assert first.state == "served" and second.number != first.number and second.supersedes_id is None
