from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhifa.core.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from zhifa.foundation.deadlines import services as engine
from zhifa.foundation.deadlines.models import Deadline
from zhifa.supervision.appeals import deadlines as dl
from zhifa.supervision.appeals import selectors, services
from zhifa.supervision.appeals.models import Appeal, AppealEvent, Hearing
from zhifa.supervision.appeals.tests.conftest import lit_data, rec_data

pytestmark = pytest.mark.django_db


def ev(appeal: Appeal, actor: Any, event: str, **data: Any) -> Appeal:
    return services.appeal_apply_event(appeal_id=appeal.pk, actor=actor, event=event, data=data)


def due(appeal: Appeal, kind: str) -> dt.date:
    return Deadline.objects.get(object_type="appeals.appeal", object_id=appeal.pk, kind=kind).due_on


def go(frozen: Any, day: str) -> None:
    frozen.move_to(f"{day} 10:00+08:00")


def test_receive_opens_acceptance_review_across_national_day(world: Any, frozen: Any) -> None:
    go(frozen, "2025-09-30")
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world, received_on="2025-09-26"))
    # 5 working days from Fri 26 Sept 2025: Sun 28 (adjusted working day), 29, 30, then 9 and 10 October
    assert due(a, dl.ACCEPTANCE_REVIEW) == dt.date(2025, 10, 10)
    assert a.in_time and a.period_end == dt.date(2025, 10, 20)  # 20 Aug + 60 days = 19 Oct (Sunday) → 20 Oct
    go(frozen, "2025-10-11")
    with pytest.raises(RuleViolation) as exc:  # Sat 11 Oct is a working day: the review ended the day before
        ev(a, world.supervisor, "refuse", ground="no_claim", reason="没有具体请求")
    assert "第三十条第三款" in str(exc.value.message)
    a = ev(a, world.supervisor, "accept")
    assert a.deemed_accepted and a.accepted_on == dt.date(2025, 10, 10)
    assert due(a, dl.DECISION) == dt.date(2025, 12, 9)  # 60 days from 10 October


def test_refusal_names_the_article_and_closes(world: Any, frozen: Any) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world, known_on="2025-06-01"))
    assert not a.in_time and a.period_article == "行政复议法第二十条第一款"
    with pytest.raises(RuleViolation) as exc:
        ev(a, world.supervisor, "accept")
    assert exc.value.code == "application_late"
    a = ev(a, world.supervisor, "refuse", ground="late", reason="超过法定申请期限")
    assert a.state == "refused" and a.outcome_article == "行政复议法第三十条第一款第（四）项"
    assert (
        "行政复议法第三十条第一款第（四）项" in AppealEvent.objects.get(appeal=a, kind="refuse").public_note
    )
    assert not engine.open_rows(dl.subject(a))


def test_amendment_once_and_review_restarts(world: Any, frozen: Any) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    go(frozen, "2025-09-03")
    a = ev(a, world.supervisor, "request_amendment", items="补充身份证明")
    assert a.state == "amending"
    # 10 working days from 3 September → 17 September
    assert due(a, dl.AMENDMENT) == dt.date(2025, 9, 17)
    go(frozen, "2025-09-18")
    with pytest.raises(RuleViolation):
        ev(a, world.supervisor, "amend")
    a = ev(a, world.supervisor, "amend", extension_days=1)
    assert a.state == "received" and a.review_from == dt.date(2025, 9, 18)
    with pytest.raises(RuleViolation) as exc:
        ev(a, world.supervisor, "request_amendment", items="再补充")
    assert exc.value.code == "amendment_notice_repeated"


def test_full_reconsideration_revoking_a_published_decision(world: Any, decided_case: Any) -> None:
    from zhifa.public.portal.models import PublishedDecision

    assert PublishedDecision.objects.get(case_id=decided_case.pk).state == "published"
    a = services.appeal_create(
        actor=world.supervisor, data=rec_data(world, case_id=decided_case.pk, known_on="2025-08-07")
    )
    assert selectors.pending_appeal_for_case(decided_case.pk) == a
    a = ev(a, world.supervisor, "accept")
    a = ev(a, world.supervisor, "send_copy")
    with pytest.raises(Forbidden):
        ev(a, world.supervisor, "answer", summary="事实清楚")
    with pytest.raises(Forbidden):
        ev(a, world.officer_a, "answer", summary="事实清楚")
    a = ev(a, world.reviewer_a, "answer", summary="事实清楚，证据确凿", evidence="现场检查笔录")
    assert a.state == "reviewing" and a.answer_late is False
    a = ev(a, world.supervisor, "decide", outcome="revoked", reasons="认定事实不清")
    assert a.state == "decided" and a.corrected and a.outcome_article == "行政复议法第六十四条"
    published = PublishedDecision.objects.get(case_id=decided_case.pk)
    assert published.state == "withdrawn" and published.withdrawal_ground == "revoked"
    assert published.withdraw_due == dt.date(2025, 9, 4)  # 3 working days from Mon 1 September
    assert published.withdrawn_on <= published.withdraw_due
    assert selectors.pending_appeal_for_case(decided_case.pk) is None


def test_no_timely_answer_no_upholding_and_one_extension(world: Any, frozen: Any) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    a = ev(a, world.supervisor, "accept")
    a = ev(a, world.supervisor, "send_copy")
    assert due(a, dl.ANSWER) == dt.date(2025, 9, 15)  # 10 working days from 1 September
    go(frozen, "2025-09-16")
    a = ev(a, world.approver_a, "answer", summary="答复意见如下")
    assert a.answer_late is True
    with pytest.raises(RuleViolation) as exc:
        ev(a, world.supervisor, "decide", outcome="upheld", reasons="事实清楚")
    assert exc.value.code == "no_answer_outcome_not_allowed"
    a = ev(a, world.supervisor, "extend", days=30, reason="案情复杂")
    assert due(a, dl.DECISION) == dt.date(2025, 11, 30) + dt.timedelta(
        days=1
    )  # 30 Oct + 30 = 29 Nov (Sat) → 1 Dec
    with pytest.raises(RuleViolation) as exc:
        ev(a, world.supervisor, "extend", days=1, reason="再次延长")
    assert exc.value.code == "extension_repeated"


def test_suspension_stops_the_decision_period(world: Any, frozen: Any) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    a = ev(a, world.supervisor, "accept")
    before = due(a, dl.DECISION)
    with pytest.raises(RuleViolation):
        ev(a, world.supervisor, "suspend", ground="mediation", reason="调解")
    a = ev(a, world.supervisor, "suspend", ground="applicant_missing", reason="申请人下落不明")
    go(frozen, "2025-09-11")
    a = ev(a, world.supervisor, "resume")
    assert a.state == "accepted" and a.suspended_days == 10
    assert due(a, dl.DECISION) == before + dt.timedelta(days=10)


def test_litigation_head_appearance_and_final_judgment(world: Any, frozen: Any, decided_case: Any) -> None:
    from zhifa.public.portal.models import PublishedDecision

    a = services.appeal_create(
        actor=world.reviewer_a, data=lit_data(world, case_id=decided_case.pk, known_on="2025-08-07")
    )
    assert a.state == "filed" and due(a, dl.DEFENCE) == dt.date(2025, 9, 16)  # 15 days from 1 Sept
    a = ev(a, world.reviewer_a, "submit_defence", summary="答辩状已提交")
    with pytest.raises(InvalidInput):
        ev(a, world.reviewer_a, "record_hearing", appearance="staff")
    with pytest.raises(InvalidInput):
        ev(a, world.reviewer_a, "record_hearing", appearance="head")
    a = ev(a, world.reviewer_a, "record_hearing", appearance="head", head_name="王局长")
    a = ev(a, world.reviewer_a, "record_hearing", appearance="lawyer_only", delegate_name="李律师")
    assert [h.compliant for h in Hearing.objects.filter(appeal=a)] == [True, False]
    a = ev(a, world.reviewer_a, "judge", judgment="revoked", reasons="主要证据不足")
    assert a.state == "judged" and a.lost
    assert due(a, dl.APPEAL_WINDOW) == dt.date(2025, 9, 16)
    go(frozen, "2025-09-16")
    with pytest.raises(RuleViolation) as exc:
        ev(a, world.reviewer_a, "finalise")
    assert exc.value.code == "appeal_period_running"
    assert PublishedDecision.objects.get(case_id=decided_case.pk).state == "published"
    go(frozen, "2025-09-17")
    a = ev(a, world.reviewer_a, "finalise")
    assert a.state == "concluded"
    assert PublishedDecision.objects.get(case_id=decided_case.pk).state == "withdrawn"


def test_second_instance_is_final(world: Any, frozen: Any) -> None:
    a = services.appeal_create(actor=world.reviewer_a, data=lit_data(world))
    a = ev(a, world.reviewer_a, "submit_defence", summary="答辩状已提交")
    a = ev(a, world.reviewer_a, "judge", judgment="dismissed")
    a = ev(a, world.reviewer_a, "appeal", appellant="原告")
    assert a.state == "trial" and a.instance == 2 and a.outcome == ""
    a = ev(a, world.reviewer_a, "judge", judgment="dismissed")
    assert a.state == "concluded" and a.lost is False


def test_scope_and_masking(world: Any, frozen: Any) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    with pytest.raises(Forbidden):
        ev(a, world.officer_a, "accept")
    with pytest.raises(NotFound):
        ev(a, world.officer_b, "accept")
    with pytest.raises(Forbidden):
        services.appeal_create(actor=world.officer_a, data=rec_data(world))
    assert selectors.appeal_get_for(user=world.officer_b, appeal_id=a.pk) is None
    assert not selectors.can_see_identity(world.officer_a, a)
    masked = selectors.applicant(a, full=False)
    assert masked["name"] != "张三丰" and masked["address"] == ""
    assert selectors.can_see_identity(world.supervisor, a)


def test_public_apply_reveals_nothing_on_mismatch(world: Any, decided_case: Any) -> None:
    with pytest.raises(NotFound) as wrong_id:
        services.public_apply(
            decision_number=decided_case.decision_number,
            id_number="11010519491231002X",
            claims="撤销",
            reasons="",
        )
    with pytest.raises(NotFound) as no_decision:
        services.public_apply(
            decision_number="不存在〔2025〕1号",
            id_number=decided_case.party_id_number,
            claims="撤销",
            reasons="",
        )
    assert str(wrong_id.value.message) == str(no_decision.value.message)
    assert wrong_id.value.code == no_decision.value.code
    a = services.public_apply(
        decision_number=decided_case.decision_number,
        id_number=decided_case.party_id_number.lower(),
        claims="撤销该决定",
        reasons="",
    )
    assert a.channel == "online" and a.tracking_code and a.case_id == decided_case.pk
    assert a.organ == "测试市人民政府" and a.applicant_id_number == decided_case.party_id_number


def test_silence_counts_as_acceptance_on_day_six_not_five(world: Any, frozen: Any) -> None:
    """行政复议法第三十条第三款: received Fri 26 Sept 2025, the five working days run 28 (adjusted
    Sunday), 29, 30 Sept, 9 and 10 Oct across the National Day holiday. On the fifth day nothing
    happens; the next day the daily job accepts it from 10 Oct."""
    go(frozen, "2025-09-30")
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world, received_on="2025-09-26"))
    answered = services.appeal_create(actor=world.supervisor, data=rec_data(world, received_on="2025-09-26"))
    ev(answered, world.supervisor, "request_amendment", items="请补充身份证明")
    for day in ("2025-10-08", "2025-10-10"):  # the last holiday, then day 5 itself
        go(frozen, day)
        assert services.deemed_acceptance_sweep()["accepted"] == 0
        a.refresh_from_db()
        assert a.state == "received" and a.accepted_on is None
    go(frozen, "2025-10-11")  # day 6 (a Saturday, an adjusted working day)
    assert services.deemed_acceptance_sweep() == {"accepted": 1, "skipped": 0, "failed": 0}
    a.refresh_from_db()
    assert a.state == "accepted" and a.deemed_accepted and a.accepted_on == dt.date(2025, 10, 10)
    row = AppealEvent.objects.get(appeal=a, kind="deem_accept")
    assert row.actor is None and row.data["article"] == "行政复议法第三十条第三款"
    assert due(a, dl.DECISION) == dt.date(2025, 12, 9)  # 60 days from 10 October
    review = Deadline.objects.get(object_type="appeals.appeal", object_id=a.pk, kind=dl.ACCEPTANCE_REVIEW)
    assert review.resolved_on == dt.date(2025, 10, 11)
    answered.refresh_from_db()
    assert answered.state == "amending"  # sent for amendment in time: not accepted by silence
    assert services.deemed_acceptance_sweep()["accepted"] == 0  # idempotent
    # No person can take the system's step.
    fresh = services.appeal_create(actor=world.supervisor, data=rec_data(world, received_on="2025-09-26"))
    with pytest.raises(Forbidden):
        ev(fresh, world.supervisor, "deem_accept")


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages).replace(
        "\n", ""
    )


def test_wenshu_are_rendered_from_the_file_as_pdfs(world: Any, frozen: Any, client: Any) -> None:
    from zhifa.core.errors import Conflict
    from zhifa.supervision.appeals import wenshu

    go(frozen, "2025-09-30")
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world, received_on="2025-09-26"))
    with pytest.raises(Conflict):  # nothing accepted yet: no acceptance notice
        wenshu.render(actor=world.supervisor, appeal=a, code="acceptance_notice")
    a = ev(a, world.supervisor, "request_amendment", items="请补充提交行政处罚决定书复印件")
    pdf, _name = wenshu.render(actor=world.supervisor, appeal=a, code="amendment_notice")
    text = _pdf_text(pdf)
    assert "补正通知书" in text and "行政处罚决定书复印件" in text

    b = services.appeal_create(actor=world.supervisor, data=rec_data(world, received_on="2025-09-26"))
    b = ev(b, world.supervisor, "refuse", ground="no_claim", reason="没有具体的行政复议请求")
    text = _pdf_text(wenshu.render(actor=world.supervisor, appeal=b, code="refusal_decision")[0])
    assert "不予受理决定书" in text and "没有具体的行政复议请求" in text and b.outcome_article in text

    d = services.appeal_create(actor=world.supervisor, data=rec_data(world, received_on="2025-09-26"))
    go(frozen, "2025-10-11")  # accepted by silence: the notice says so and names the article
    services.deemed_acceptance_sweep()
    text = _pdf_text(
        wenshu.render(actor=world.supervisor, appeal=Appeal.objects.get(pk=d.pk), code="acceptance_notice")[0]
    )
    assert "受理通知书" in text and "视为受理" in text and "第三十条第三款" in text
    assert "2025年10月10日" in text
    c = services.appeal_create(actor=world.supervisor, data=rec_data(world, received_on="2025-10-11"))
    c = ev(c, world.supervisor, "accept")
    text = _pdf_text(wenshu.render(actor=world.supervisor, appeal=c, code="acceptance_notice")[0])
    assert "受理通知书" in text and "2025年10月11日起受理" in text and "视为受理" not in text
    with pytest.raises(Conflict):  # not decided: no decision
        wenshu.render(actor=world.supervisor, appeal=c, code="decision")
    c = ev(c, world.supervisor, "send_copy")
    c = ev(c, world.reviewer_a, "answer", summary="事实清楚，证据确凿", evidence="现场检查笔录")
    c = ev(c, world.supervisor, "decide", outcome="upheld", reasons="被申请人认定事实清楚，适用依据正确")
    text = _pdf_text(wenshu.render(actor=world.supervisor, appeal=c, code="decision")[0])
    assert "行政复议决定书" in text and "适用依据正确" in text and c.outcome_article in text
    assert "行政诉讼法第四十五条" in text
    # Through the API, for someone who sees the appeal; unknown document 404.
    client.force_login(world.supervisor)
    r = client.get(f"/appeals/{b.pk}/documents/refusal_decision/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "不予受理决定书" in _pdf_text(b"".join(r.streaming_content))
    assert client.get(f"/appeals/{b.pk}/documents/decision/").status_code == 409
    assert client.get(f"/appeals/{b.pk}/documents/nothing/").status_code == 404
    assert "refusal_decision" in client.get(f"/appeals/{b.pk}/").content.decode()
