"""The case file tells the truth (issue 13): the checklist starts empty and every point is answered;
a waiver names what it waives and carries the party's signed document; no approval, notice or
decision on an empty file, and the decision records what it cites; the head approves the proposal
before the notice and the closing before the file closes; a record entered after the decision it
predates is flagged at archiving."""

import datetime as dt
import io

import pytest

from zhifa.core.errors import Forbidden, InvalidInput, RuleViolation
from zhifa.enforcement.cases import event_forms
from zhifa.enforcement.cases.factories import (
    CHECKLIST_OK,
    add_investigation_record,
    add_signed_waiver,
    advance,
    approve_and_notify,
    close_case,
    ev,
    register,
)
from zhifa.enforcement.cases.models import CaseEvent, State
from zhifa.enforcement.cases.tests import builders
from zhifa.enforcement.documents.services import document_generate

pytestmark = pytest.mark.django_db
START = dt.date(2025, 5, 6)


def _proposed(kit, *, record: bool = True):
    case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01")
    case = advance(kit, case, State.INVESTIGATING, start=START)
    if record:
        add_investigation_record(case, kit.world.officer_a)
    return ev(case, kit.world.officer_a, "submit_proposal", tier="轻微", measures=["fine"],
              fine_amount="3000.00", reasons="挖掘面积较小。")  # fmt: skip


class TestChecklist:
    def test_the_form_starts_with_no_point_answered(self, kit) -> None:
        case = builders.ordinary(kit, State.LEGAL_REVIEW)
        [field] = [f for f in event_forms.render_fields(
            "approve_legal_review", event_forms.choices_for(case), values={}, case=case
        ) if f["kind"] == "checklist"]  # fmt: skip
        assert len(field["checklist"]) == 9 and all(row["answer"] == "" for row in field["checklist"])

    def test_an_unanswered_checklist_is_refused(self, kit, client) -> None:
        case = builders.ordinary(kit, State.LEGAL_REVIEW)
        with pytest.raises(InvalidInput):
            ev(case, kit.world.reviewer_a, "approve_legal_review", opinion="同意")
        partial = dict.fromkeys(list(CHECKLIST_OK)[:8], True)
        with pytest.raises(InvalidInput):
            ev(case, kit.world.reviewer_a, "approve_legal_review", opinion="同意", checklist=partial)
        client.force_login(kit.world.reviewer_a)  # the page: a bare submit answers nothing
        response = client.post(f"/cases/{case.pk}/events/approve_legal_review/", {"opinion": "同意"})
        assert response.status_code == 400
        case.refresh_from_db()
        assert case.state == State.LEGAL_REVIEW and not case.legal_review_passed

    def test_a_no_needs_a_note_and_returns_the_case(self, kit) -> None:
        case = builders.ordinary(kit, State.LEGAL_REVIEW)
        bad = {**CHECKLIST_OK, "discretion": False}
        with pytest.raises(RuleViolation):
            ev(case, kit.world.reviewer_a, "approve_legal_review", opinion="同意", checklist=bad)
        with pytest.raises(InvalidInput):
            ev(case, kit.world.reviewer_a, "return_legal_review", opinion="退回", checklist=bad)
        case = ev(case, kit.world.reviewer_a, "return_legal_review", opinion="退回", checklist=bad,
                  checklist_notes={"discretion": "罚款超出裁量阶次未说明理由"})  # fmt: skip
        assert case.state == State.INVESTIGATING
        event = CaseEvent.objects.filter(case=case, name="return_legal_review").get()
        assert event.payload["checklist_notes"] == {"discretion": "罚款超出裁量阶次未说明理由"}


class TestWaiver:
    def test_an_empty_waiver_is_refused_and_a_named_one_with_its_document_is_recorded(self, kit) -> None:
        case = approve_and_notify(_proposed(kit), kit, served_on="2025-05-07")
        officer = kit.world.officer_a
        with pytest.raises(RuleViolation) as exc:
            ev(case, officer, "waive_rights", waived_on="2025-05-08")
        assert exc.value.code == "waiver_rights_missing"
        with pytest.raises(RuleViolation) as exc:
            ev(case, officer, "waive_rights", rights=["statement"], waived_on="2025-05-08")
        assert exc.value.code == "waiver_document_missing"
        with pytest.raises(RuleViolation) as exc:  # no hearing right was notified: none to waive
            ev(
                case,
                officer,
                "waive_rights",
                rights=["hearing"],
                document=add_signed_waiver(case, officer),
            )
        assert exc.value.code == "no_hearing_right"
        case.refresh_from_db()
        assert case.rights_waived_on is None
        evidence_id = add_signed_waiver(case, officer)
        case = ev(case, officer, "waive_rights", rights=["statement"], document=evidence_id,
                  waived_on="2025-05-08")  # fmt: skip
        event = CaseEvent.objects.get(case=case, name="waive_rights")
        assert event.payload["rights"] == ["statement"]
        assert event.payload["document"]["ref"] == f"evidence:{evidence_id}"

    def test_a_document_of_another_case_does_not_back_a_waiver(self, kit) -> None:
        case = approve_and_notify(_proposed(kit), kit, served_on="2025-05-07")
        other = _proposed(kit)
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.officer_a, "waive_rights", rights=["statement"],
               document=add_signed_waiver(other, kit.world.officer_a))  # fmt: skip
        assert exc.value.code == "waiver_document_missing"


class TestEvidenceAndApprovals:
    def test_a_case_with_no_evidence_cannot_be_approved_notified_or_decided(self, kit) -> None:
        case = _proposed(kit, record=False)
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "approve_decision", approved_on="2025-05-07")
        assert exc.value.code == "no_evidence" and exc.value.detail["article"] == "行政处罚法第四十条"
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.officer_a, "notify", served_on="2025-05-07")
        assert exc.value.code == "decision_not_approved"

    def test_an_officer_alone_cannot_notify_close_or_approve(self, kit) -> None:
        case = _proposed(kit)
        with pytest.raises(Forbidden):
            ev(case, kit.world.officer_a, "approve_decision")
        with pytest.raises(RuleViolation):
            ev(case, kit.world.officer_a, "notify", served_on="2025-05-07")
        case = ev(case, kit.world.approver_a, "approve_decision", approved_on="2025-05-07")
        assert case.decision_approved_on == dt.date(2025, 5, 7)
        # a legal review afterwards: the head approves again after it (第五十八条)
        case = ev(case, kit.world.officer_a, "request_legal_review")
        assert case.decision_approved_on is None
        executed = builders.ordinary(kit, State.EXECUTED)
        with pytest.raises(Forbidden):
            ev(executed, kit.world.officer_a, "close", closed_on="2025-05-12")
        with pytest.raises(RuleViolation) as exc:
            ev(executed, kit.world.approver_a, "close", closed_on="2025-05-12")
        assert exc.value.code == "closing_report_missing"

    def test_the_decision_records_what_it_cites_and_a_late_record_is_flagged_at_archive(self, kit) -> None:
        case = builders.ordinary(kit, State.DECIDED)
        decide = CaseEvent.objects.get(case=case, name="decide")
        cited = {c["ref"] for c in decide.payload["cited"]}
        assert cited and all(ref.startswith(("evidence:", "document:")) for ref in cited)
        late = document_generate(  # dated before the decision, entered after it
            case=case, code="inquiry_record", actor=kit.world.officer_a,
            inputs={"started_at": "2025-05-07T10:00", "person": "王某", "transcript": "补录"},
        )  # fmt: skip
        w = kit.world
        case = ev(case, w.officer_a, "serve", method="direct", served_on="2025-05-09")
        case = ev(case, w.officer_a, "record_payment", amount="3000.00", paid_on="2025-05-10",
                  channel="bank", receipt_no="NO.1")  # fmt: skip
        case = close_case(case, kit, closed_on="2025-05-11")
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "archive", archived_on="2025-05-12")
        assert exc.value.code == "late_entries" and f"document:{late.pk}" in exc.value.detail["refs"]
        case = ev(case, kit.world.approver_a, "archive", archived_on="2025-05-12",
                  late_entries_explanation="询问笔录当日制作，次日补录入系统。")  # fmt: skip
        event = CaseEvent.objects.get(case=case, name="archive")
        assert [i["ref"] for i in event.payload["late_entries"]] == [f"document:{late.pk}"]
        assert case.state == State.ARCHIVED


class TestOnSpotAndNoPenalty:
    """Issue 13: the two decisions outside 审批/告知/决定 stand on the file too (第五十一条、第五十二条;
    第四十条、第五十七条)."""

    def _spot(self, kit, **party_over):
        from zhifa.enforcement.cases.services import case_on_spot

        data = builders_register(
            kit, procedure="simple", discovered_on="2025-06-30", occurred_on="2025-06-30"
        )
        data["party"] = {**data["party"], **party_over.pop("party", {})}
        data.update(party_over)
        data.update(
            officer_ids=[kit.officer_a.pk, kit.officer_a2.pk], measures=["warning"], reasons="当场改正"
        )
        return case_on_spot(actor=kit.world.officer_a, data=data)

    def test_on_the_spot_the_party_must_be_identified_and_nothing_is_kept_when_refused(self, kit) -> None:
        from zhifa.enforcement.cases.models import Case

        foreigner = {"kind": "person", "name": "JOHN DOE", "id_type": "other", "id_number": ""}
        with pytest.raises(RuleViolation) as exc:
            self._spot(kit, party=foreigner)
        assert exc.value.code == "on_spot_party_unidentified"
        assert exc.value.detail["field"] == "party_id_number"
        with pytest.raises(RuleViolation) as exc:
            self._spot(kit, location="")
        assert exc.value.code == "on_spot_facts_missing" and exc.value.detail["missing"] == ["location"]
        assert not Case.objects.exists()  # registration rolled back with the refused decision
        case = self._spot(kit, party={**foreigner, "id_number": "E12345678"})  # the passport shown
        assert case.decision_number and case.party_id_number == "E12345678"

    def test_the_on_spot_page_shows_the_refusal_in_place(self, kit, client) -> None:
        from zhifa.enforcement.cases.models import Case

        client.force_login(kit.world.officer_a)
        data = builders_register(
            kit, procedure="simple", discovered_on="2025-06-30", occurred_on="2025-06-30"
        )
        post = {k: v for k, v in data.items() if not isinstance(v, dict)}
        post.update({f"party_{k}": v for k, v in data["party"].items()})
        post.update(location="", partner_id=str(kit.officer_a2.pk), measures="warning", reasons="当场改正")
        response = client.post("/cases/on-spot/", post)
        assert response.status_code in (400, 422)
        assert "行政处罚法第五十一条、第五十二条" in response.content.decode()
        assert not Case.objects.exists()

    def test_no_penalty_needs_the_file_and_its_decision_prints_only_what_it_cites(self, kit) -> None:
        from pypdf import PdfReader

        from zhifa.enforcement.documents.dossier import masked_document_pdf
        from zhifa.enforcement.documents.models import Document
        from zhifa.enforcement.documents.tests.helpers import pdf_text
        from zhifa.enforcement.evidence.factories import jpeg_bytes, make_evidence

        case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01")
        case = advance(kit, case, State.INVESTIGATING, start=START)
        refusal = {
            "ground": "minor_corrected",
            "reason": "违法行为轻微并及时改正",
            "decided_on": "2025-05-09",
        }
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "decide_no_penalty", **refusal)
        assert exc.value.code == "no_penalty_without_evidence" and "第五十七条" in str(exc.value.message)
        add_investigation_record(case, kit.world.officer_a)
        record = Document.objects.get(case=case, code="inspection_record")
        case = ev(case, kit.world.approver_a, "decide_no_penalty", **refusal)
        assert case.state == State.CLOSED
        event = CaseEvent.objects.get(case=case, name="decide_no_penalty")
        assert [c["ref"] for c in event.payload["cited"]] == [f"document:{record.pk}"]
        # a photo entered after the decision is not what the decision rested on: never printed in it
        make_evidence(actor=kit.world.officer_a, agency=kit.agency, case=case, data=jpeg_bytes(seed=9),
                      description="事后补拍的照片", captured_at=dt.datetime(2025, 5, 8, 9, 0, tzinfo=dt.UTC))  # fmt: skip
        decision = Document.objects.get(case=case, code="no_penalty_decision")
        assert record.number in pdf_text(decision).replace("\n", "")
        # rendered again from the data as it is now (the masked copy): still only what was cited
        again = PdfReader(io.BytesIO(masked_document_pdf(decision)))
        text = "".join(p.extract_text() for p in again.pages).replace("\n", "")
        assert "上述事实有下列证据证明" in text and record.number in text
        assert "事后补拍的照片" not in text

    def test_the_under_fourteen_ground_needs_the_age_in_the_file(self, kit) -> None:
        case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01",
                        party={"kind": "person", "name": "小明", "id_type": "other", "id_number": "E1"})  # fmt: skip
        case = advance(kit, case, State.INVESTIGATING, start=START)
        add_investigation_record(case, kit.world.officer_a)
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "decide_no_penalty", ground="under_age", reason="未满十四周岁",
               guardian_order="责令其监护人加以管教。", decided_on="2025-05-09")  # fmt: skip
        assert exc.value.code == "no_penalty_age_unknown"


def builders_register(kit, **over):
    from zhifa.enforcement.cases.factories import register_data

    return register_data(kit, **over)
