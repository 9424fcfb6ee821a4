"""The API contract of shared/API.md, driven end to end with bearer tokens."""

import datetime as dt

import pytest
from django.test import Client

from zhifa.enforcement.cases.factories import CHECKLIST_OK, add_investigation_record, organisation_id
from zhifa.enforcement.cases.models import Case, CaseEvent, State
from zhifa.enforcement.cases.tests.builders import PERSON
from zhifa.foundation.alerts.models import Alert

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, headers: dict[str, str]) -> None:
        self.c, self.h = Client(), headers

    def get(self, path: str) -> tuple[int, dict]:
        r = self.c.get("/api/v1" + path, **self.h)
        return r.status_code, r.json()

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        r = self.c.post("/api/v1" + path, body, content_type="application/json", **self.h)
        return r.status_code, r.json()

    def event(self, case_id: int, event: str, **fields) -> tuple[int, dict]:
        return self.post(f"/cases/{case_id}/events", {"event": event, **fields})


@pytest.fixture
def apis(kit, api_token):
    w = kit.world
    return {
        name: Api(api_token(getattr(w, name)))
        for name in ("officer_a", "officer_a2", "approver_a", "reviewer_a", "supervisor", "officer_b")
    }


def register_body(kit, **over) -> dict:
    body = {
        "procedure": "ordinary",
        "agency_id": kit.agency.pk,
        "source": "complaint",
        "party": dict(PERSON),
        "facts": "在人行道上违法挖掘，未设置围挡。",
        "occurred_on": "2025-05-01",
        "discovered_on": "2025-05-05",
        "discovery_record": "投诉登记 TS-0001",
        "location": "人民路88号",
        "power_item_id": kit.item.pk,
    }
    body.update(over)
    return body


def ok(result: tuple[int, dict], status: int = 200) -> dict:
    code, body = result
    assert code == status, body
    return body


def test_a_full_ordinary_case_with_hearing_and_legal_review_through_the_api(kit, apis, frozen) -> None:
    officer, approver, reviewer = apis["officer_a"], apis["approver_a"], apis["reviewer_a"]
    case = ok(officer.post("/cases", register_body(kit)), 201)
    assert case["state"] == "registered" and case["number"] == ""
    assert "file" not in case["allowed_events"]  # the officer registers; the approver files
    cid = case["id"]
    assert "file" in ok(approver.get(f"/cases/{cid}"))["allowed_events"]

    case = ok(
        approver.event(
            cid,
            "file",
            officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
            power_item_id=kit.item.pk,
            filed_on="2025-05-06",
        )
    )
    assert case["state"] == "investigating" and case["number"] == "测城管罚立〔2025〕1号"
    decision_deadline = next(d for d in case["deadlines"] if d["kind"] == "decision")
    assert decision_deadline["due_on"] == "2025-08-04"  # 90 days after 6 May is Mon 4 Aug
    assert decision_deadline["status"] == "ok"

    case = ok(
        officer.event(
            cid,
            "submit_proposal",
            tier="严重",
            measures=["fine"],
            fine_amount="15000.00",
            reasons="挖掘面积大、未设围挡，情节严重。",
            major_public_interest=True,
        )
    )
    assert case["state"] == "proposed"
    assert case["flags"]["hearing_eligible"] and case["flags"]["legal_review_required"]
    assert case["penalty"]["amount_class"] == "within_tier"
    assert case["penalty"]["permitted_min"] == "10000.00" and case["penalty"]["permitted_max"] == "20000.00"

    code, refused = officer.event(cid, "notify", served_on="2025-05-20")
    assert code == 422 and refused["code"] == "decision_not_approved"  # the head approves first
    code, refused = officer.event(cid, "approve_decision")
    assert code == 403  # not the officer's to approve
    code, refused = approver.event(cid, "approve_decision", approved_on="2025-05-20")
    assert code == 422 and refused["code"] == "legal_review_missing"
    assert "第五十八条" in refused["message"] and refused["detail"]["article"] == "行政处罚法第五十八条"

    ok(officer.event(cid, "request_legal_review"))
    case = ok(
        reviewer.event(
            cid,
            "approve_legal_review",
            opinion="事实清楚，适用法律正确。",
            checklist=CHECKLIST_OK,
            reviewed_on="2025-05-21",
        )
    )
    assert case["state"] == "proposed" and case["flags"]["legal_review_passed"]

    code, refused = approver.event(cid, "approve_decision", approved_on="2025-05-21")
    assert code == 422 and refused["code"] == "no_evidence"  # 第四十条: nothing in the file yet
    add_investigation_record(Case.objects.get(pk=cid), kit.world.officer_a)
    ok(approver.event(cid, "approve_decision", approved_on="2025-05-21", opinion="同意。"))
    case = ok(officer.event(cid, "notify", served_on="2025-05-22"))  # Thursday
    assert case["state"] == "notified"
    window = next(d for d in case["deadlines"] if d["kind"] == "hearing_request")
    assert window["due_on"] == "2025-05-29"  # five working days: 23, 26, 27, 28, 29 May

    code, refused = approver.event(cid, "decide", decided_on="2025-05-26")
    assert code == 422 and refused["code"] == "party_window_open"

    case = ok(officer.event(cid, "request_hearing", requested_on="2025-05-29"))
    assert case["state"] == "hearing_requested"
    code, refused = approver.event(cid, "decide", decided_on="2025-06-20")
    assert code == 409 and refused["code"] == "event_not_allowed_in_state"

    case = ok(
        officer.event(
            cid,
            "hold_hearing",
            held_on="2025-06-11",
            notice_served_on="2025-05-30",
            presided_by=kit.presider.pk,
            record="当事人陈述已及时回填。",
            record_signed=True,
        )
    )
    assert case["state"] == "notified"
    # 第五十八条第一款第（二）项: after the hearing the decision needs a fresh legal review
    assert case["flags"]["legal_review_required"] and not case["flags"]["legal_review_passed"]
    code, refused = approver.event(cid, "decide", decided_on="2025-06-12", fine_amount="15000.00")
    assert code == 422 and refused["code"] == "legal_review_missing"
    ok(officer.event(cid, "request_legal_review"))
    ok(
        reviewer.event(
            cid,
            "approve_legal_review",
            opinion="听证后复核，同意。",
            checklist=CHECKLIST_OK,
            reviewed_on="2025-06-12",
        )
    )
    # 第五十七条第二款、第六十五条: a serious case after a hearing is decided by the heads together
    assert case["flags"]["deliberation_grounds"] == ["large_fine", "hearing_held"]
    code, refused = approver.event(cid, "decide", decided_on="2025-06-13", fine_amount="12000.00")
    assert code == 422 and refused["code"] == "deliberation_missing" and "第六十五条" in refused["message"]
    ok(
        approver.event(
            cid,
            "record_deliberation",
            participants="赵六、孙八、周九",
            minutes="听证后集体讨论。",
            conclusion="同意处罚一万二千元。",
            held_on="2025-06-13",
        )
    )
    code, refused = approver.event(cid, "decide", decided_on="2025-06-13", fine_amount="16000.00")
    assert code == 422 and refused["code"] == "heavier_after_statement"  # 第四十五条
    case = ok(
        approver.event(
            cid,
            "decide",
            decided_on="2025-06-13",
            fine_amount="12000.00",
            reasons="听证后采纳部分意见，从轻处罚。",
        )
    )
    assert case["state"] == "decided" and case["decision_number"] == "测城管罚决〔2025〕1号"
    assert next(d for d in case["deadlines"] if d["kind"] == "decision")["status"] == "met"

    case = ok(officer.event(cid, "serve", method="direct", served_on="2025-06-16", receipt="送达回证"))
    assert case["state"] == "served"
    payment = next(d for d in case["deadlines"] if d["kind"] == "payment")
    assert payment["due_on"] == "2025-07-01"
    case = ok(
        officer.event(
            cid,
            "record_payment",
            amount="12000.00",
            paid_on="2025-06-27",
            channel="bank",
            receipt_no="FS-2025-0001",
        )
    )
    assert case["state"] == "executed" and case["penalty"]["outstanding"] == "0.00"
    code, refused = officer.event(cid, "close", closed_on="2025-06-28")
    assert code == 403  # closing is the head's approval
    code, refused = approver.event(cid, "close", closed_on="2025-06-28")
    assert code == 422 and refused["code"] == "closing_report_missing"
    ok(officer.event(cid, "report_closing", summary="罚款已缴清。", written_on="2025-06-28"))
    case = ok(approver.event(cid, "close", opinion="同意结案。", closed_on="2025-06-28"))
    case = ok(approver.event(cid, "archive", archived_on="2025-06-30"))
    # the archive is closed to the agency's own steps; what others decide about the decision still reaches it
    assert case["state"] == "archived"
    assert set(case["allowed_events"]) == {"record_appeal", "end_appeal", "revoke", "change"}

    history = ok(officer.get(f"/cases/{cid}/events"))
    assert (
        history["count"] == CaseEvent.objects.filter(case_id=cid).count() == 18
    )  # lawa: + deliberation; truth: + approve_decision, report_closing
    names = [e["event"] for e in history["results"]]
    assert names[:3] == ["register", "file", "submit_proposal"] and names[-1] == "archive"
    assert history["results"][1]["occurred_on"] == "2025-05-06"


def test_a_simple_procedure_case_through_the_api(kit, apis, frozen) -> None:
    officer = apis["officer_a"]
    case = ok(
        officer.post(
            "/cases",
            register_body(kit, procedure="simple", discovered_on="2025-06-30", occurred_on="2025-06-30"),
        ),
        201,
    )
    cid = case["id"]
    code, refused = officer.event(
        cid,
        "decide_on_spot",
        officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
        power_item_id=kit.item.pk,
        measures=["fine"],
        fine_amount="200.01",
        tier="轻微",
        reasons="占道",
    )
    assert code == 422 and refused["code"] == "on_spot_limit_exceeded"
    case = ok(
        officer.event(
            cid,
            "decide_on_spot",
            officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
            power_item_id=kit.item.pk,
            measures=["fine"],
            fine_amount="200.00",
            tier="轻微",
            reasons="占道挖掘，当场改正。",
        )
    )
    assert case["state"] == "decided" and case["number"] == case["decision_number"] == "测城管当罚〔2025〕1号"
    case = ok(officer.event(cid, "serve", method="direct"))
    code, refused = officer.event(
        cid, "record_payment", amount="200.00", channel="on_the_spot", receipt_no="X1"
    )
    assert code == 422 and "第六十八条" in refused["detail"]["article"]  # > ¥100 cannot be taken on the spot
    case = ok(officer.event(cid, "record_payment", amount="200.00", channel="e_payment", receipt_no="E1"))
    assert case["state"] == "executed"
    ok(officer.event(cid, "report_closing", summary="当场缴纳，结案。"))
    approver = apis["approver_a"]
    code, refused = approver.event(cid, "close")
    assert code == 422 and refused["code"] == "on_spot_not_reported"
    ok(officer.event(cid, "report_to_agency"))
    assert ok(approver.event(cid, "close"))["state"] == "closed"


def test_refusals_have_the_error_format_and_change_nothing(kit, apis, frozen) -> None:
    officer, approver = apis["officer_a"], apis["approver_a"]
    code, body = officer.post("/cases/999999999/events", {"event": "file"})
    assert code == 404 and body["code"] and body["message"]
    case = ok(officer.post("/cases", register_body(kit)), 201)
    cid = case["id"]
    code, body = officer.event(cid, "fly_to_the_moon")
    assert code == 400 and body["code"] == "unknown_event"
    code, body = officer.event(cid, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk])
    assert code == 403 and body["code"] == "event_forbidden"
    code, body = approver.event(cid, "decide")
    assert code == 409 and body["code"] == "event_not_allowed_in_state"
    code, body = approver.event(cid, "file", officer_ids=[kit.officer_a.pk])
    assert code == 422 and body["code"] == "too_few_officers" and "第四十二条" in body["message"]
    code, body = approver.event(cid, "file", officer_ids="abc")
    assert code == 422 and body["code"] == "validation_error"  # typed by the event's own schema
    assert "officer_ids" in body["detail"]["field"]
    code, body = approver.event(
        cid, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk], filed_on="2031-01-01"
    )
    assert code == 400 and body["detail"]["field"] == "filed_on"
    code, body = approver.event(
        cid, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk], filed_on="2025-05-04"
    )
    assert code == 400 and body["detail"]["previous"] == "2025-05-05"
    code, body = approver.event(
        cid, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk], filed_on="5/6/2025"
    )
    assert code == 400
    fresh = Case.objects.get(pk=cid)
    assert fresh.state == State.REGISTERED and fresh.number == "" and fresh.event_count == 1


def test_registration_validates_the_party_and_the_limitation_period(kit, apis, frozen) -> None:
    officer = apis["officer_a"]
    bad_id = dict(PERSON, id_number="11010519491231003X")
    code, body = officer.post("/cases", register_body(kit, party=bad_id))
    assert code == 400 and body["code"] == "invalid_id_number" and body["detail"]["field"] == "id_number"
    org = {"kind": "organisation", "name": "某公司", "id_number": "91350100M000100Y44"}
    code, body = officer.post("/cases", register_body(kit, party=org))
    assert code == 400 and body["code"] == "invalid_id_number"
    code, body = officer.post(
        "/cases", register_body(kit, occurred_on="2023-05-05", discovered_on="2025-05-06")
    )
    assert code == 422 and body["code"] == "limitation_expired" and "第三十六条" in body["message"]
    ok(officer.post("/cases", register_body(kit, occurred_on="2023-05-06", discovered_on="2025-05-06")), 201)
    code, body = officer.post("/cases", register_body(kit, facts="", party={"kind": "robot"}))
    assert code == 400
    code, body = officer.post("/cases", register_body(kit, occurred_on="2025-07-01"))
    assert code == 400 and body["detail"]["field"] == "occurred_on"
    assert Case.objects.count() == 1


def test_other_agencies_and_outsiders_cannot_see_or_register(kit, apis, api_token, frozen) -> None:
    cid = ok(apis["officer_a"].post("/cases", register_body(kit)), 201)["id"]
    assert apis["officer_b"].get(f"/cases/{cid}")[0] == 404
    assert apis["officer_b"].event(cid, "file")[0] == 404
    assert apis["officer_b"].post("/cases", register_body(kit))[0] == 404
    assert ok(apis["officer_b"].get("/cases"))["count"] == 0
    outsider = Api(api_token(kit.world.outsider))
    assert outsider.post("/cases", register_body(kit))[0] == 403
    assert outsider.get(f"/cases/{cid}")[0] == 404
    supervisor = apis["supervisor"]
    seen = ok(supervisor.get(f"/cases/{cid}"))
    assert seen["allowed_events"] == []
    assert seen["party"]["masked"] and seen["party"]["name"] == "张**" and "*" in seen["party"]["id_number"]
    full = ok(apis["approver_a"].get(f"/cases/{cid}"))
    assert not full["party"]["masked"] and full["party"]["id_number"] == PERSON["id_number"]


def test_list_filters_and_search(kit, apis, frozen) -> None:
    officer, approver = apis["officer_a"], apis["approver_a"]
    a = ok(officer.post("/cases", register_body(kit, facts="夜间施工噪声扰民")), 201)["id"]
    b = ok(
        officer.post(
            "/cases",
            register_body(
                kit,
                facts="违法挖掘人行道",
                party={"kind": "organisation", "name": "海州路桥公司", "id_number": organisation_id()},
            ),
        ),
        201,
    )["id"]
    ok(approver.event(b, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk], filed_on="2025-05-06"))
    assert ok(officer.get("/cases"))["count"] == 2
    assert [r["id"] for r in ok(officer.get("/cases?status=investigating"))["results"]] == [b]
    assert [r["id"] for r in ok(officer.get("/cases?status=registered,investigating"))["results"]] == [b, a]
    assert (
        ok(officer.get("/cases?status=flying"))[0] if False else officer.get("/cases?status=flying")[0] == 400
    )
    assert [r["id"] for r in ok(officer.get(f"/cases?officer={kit.officer_a2.pk}"))["results"]] == [b]
    assert [r["id"] for r in ok(officer.get("/cases?q=噪声"))["results"]] == [a]
    assert [r["id"] for r in ok(officer.get("/cases?q=路桥"))["results"]] == [b]
    assert ok(officer.get(f"/cases?agency={kit.world.agency_b.pk}"))["count"] == 0
    assert ok(officer.get("/cases?date_from=2025-05-06"))["count"] == 0
    assert ok(officer.get("/cases?date_from=2025-05-05&date_to=2025-05-05"))["count"] == 2
    row = ok(officer.get("/cases?status=investigating"))["results"][0]
    assert row["next_deadline"]["kind"] == "decision" and row["party_name"] == "海州路桥公司"


def test_list_runs_a_constant_number_of_queries(kit, apis, frozen, django_assert_max_num_queries) -> None:
    officer, approver = apis["officer_a"], apis["approver_a"]
    for i in range(3):
        cid = ok(officer.post("/cases", register_body(kit, facts=f"案件{i}")), 201)["id"]
        ok(
            approver.event(
                cid, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk], filed_on="2025-05-06"
            )
        )

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            ok(officer.get("/cases?page_size=50"))
        return len(ctx.captured_queries)

    few = count_queries()
    for i in range(12):
        cid = ok(officer.post("/cases", register_body(kit, facts=f"更多案件{i}")), 201)["id"]
        ok(
            approver.event(
                cid, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk], filed_on="2025-05-06"
            )
        )
    assert count_queries() == few


def test_overdue_list_per_agency(kit, apis, frozen) -> None:
    approver = apis["approver_a"]
    cid = ok(
        apis["officer_a"].post(
            "/cases", register_body(kit, occurred_on="2025-02-01", discovered_on="2025-02-03")
        ),
        201,
    )["id"]
    ok(approver.event(cid, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk], filed_on="2025-02-05"))
    body = ok(approver.get("/cases/overdue"))
    assert body["count"] == 1
    row = body["results"][0]
    assert row["kind"] == "decision" and row["due_on"] == "2025-05-06" and row["days_overdue"] == 55
    assert ok(apis["supervisor"].get(f"/cases/overdue?agency={kit.agency.pk}"))["count"] == 1
    assert ok(apis["officer_b"].get("/cases/overdue"))["count"] == 0
    assert [r["id"] for r in ok(approver.get("/cases?overdue=true"))["results"]] == [cid]


def test_late_service_is_recorded_and_alerted(kit, apis, frozen, django_capture_on_commit_callbacks) -> None:
    from zhifa.enforcement.cases.factories import advance, register

    case = advance(
        kit,
        register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01"),
        State.DECIDED,
        start=dt.date(2025, 5, 6),
    )
    with django_capture_on_commit_callbacks(execute=True):
        body = ok(
            apis["officer_a"].event(
                case.pk, "serve", method="post", served_on="2025-05-20", received_on="2025-05-20"
            )
        )
    service = next(d for d in body["deadlines"] if d["kind"] == "service")
    assert service["status"] == "met" and service["resolution"] == "late"
    assert Alert.objects.filter(kind="service_late", object_id=str(case.pk)).exists()


def test_overdue_list_runs_a_constant_number_of_queries(kit, apis, frozen) -> None:
    """Each row shows its case and agency: loaded for the page at once, not once per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    approver = apis["approver_a"]

    def overdue_case(i: int) -> None:
        body = register_body(kit, occurred_on="2025-02-01", discovered_on="2025-02-03", facts=f"逾期{i}")
        cid = ok(apis["officer_a"].post("/cases", body), 201)["id"]
        ok(
            approver.event(
                cid, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk], filed_on="2025-02-05"
            )
        )

    def count_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            body = ok(approver.get("/cases/overdue?page_size=50"))
        return body["count"], len(ctx.captured_queries)

    overdue_case(0)
    one, few = count_queries()
    for i in range(1, 6):
        overdue_case(i)
    six, many = count_queries()
    assert (one, six) == (1, 6)
    assert many == few
