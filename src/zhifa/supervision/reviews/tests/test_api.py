import json
from typing import Any

from django.test import Client

from zhifa.enforcement.cases.factories import CaseKit
from zhifa.supervision.reviews.models import SampledFile
from zhifa.supervision.reviews.tests.builders import campaign_data, clean_case, decided_not_served

SEED = "0f" * 32


def call(method: str, url: str, headers: dict[str, str], body: Any = None) -> tuple[int, Any]:
    c = Client()
    if method == "GET":
        r = c.get(url, **headers)
    else:
        r = c.post(url, json.dumps(body or {}), content_type="application/json", **headers)
    return r.status_code, r.json()


def test_campaign_draw_file_score_results(kit: CaseKit, api_token: Any) -> None:
    w = kit.world
    clean_case(kit)
    bad = decided_not_served(kit)
    boss = api_token(w.supervisor)
    code, body = call("POST", "/api/v1/reviews/campaigns", boss, {**campaign_data(kit), "sample_count": 5})
    assert code == 201, body
    cid = body["id"]
    code, body = call("POST", f"/api/v1/reviews/campaigns/{cid}/draw", boss, {"seed": SEED})
    assert code == 200, body
    assert body["seed"] == SEED and len(body["pool_digest"]) == 64 and len(body["files"]) == 2
    assert body["groups"][0]["chosen"] and body["groups"][0]["pool_size"] == 2
    file_id = SampledFile.objects.get(case_id=bad.pk).pk
    reviewer = api_token(w.officer_b)
    code, body = call("GET", f"/api/v1/reviews/files/{file_id}", reviewer)
    assert code == 200 and any(p["check"] == "service" and p["outcome"] == "flag" for p in body["precheck"])
    assert "*" in body["case"]["party_id_number"]
    # Unknown field, refused with nothing changed
    code, body = call(
        "POST", f"/api/v1/reviews/files/{file_id}/score", reviewer, {"items": [], "vetoes": [], "x": 1}
    )
    assert code == 400 and body["code"] == "unknown_field"
    code, body = call(
        "POST",
        f"/api/v1/reviews/files/{file_id}/score",
        reviewer,
        {"items": [{"code": "F01", "deduction": "1", "note": "", "extra": 1}], "vetoes": []},
    )
    assert code == 400 and body["code"] == "unknown_field"
    code, body = call(
        "POST",
        f"/api/v1/reviews/files/{file_id}/score",
        reviewer,
        {"items": [{"code": "F02", "deduction": 0, "note": ""}], "vetoes": ["V09"]},
    )
    assert code == 400 and body["code"] == "override_needs_note"
    precheck = call("GET", f"/api/v1/reviews/files/{file_id}", reviewer)[1]["precheck"]
    items = [
        {"code": p["code"], "deduction": p["deduction"], "note": ""}
        for p in precheck
        if p["outcome"] == "flag"
    ]
    assert {"F02", "F05"} <= {i["code"] for i in items}
    code, body = call(
        "POST", f"/api/v1/reviews/files/{file_id}/score", reviewer, {"items": items, "vetoes": ["V09"]}
    )
    assert code == 200, body
    assert (body["score"], body["grade"], body["vetoed"]) == ("0.0", "fail", True)
    code, body = call("GET", f"/api/v1/reviews/campaigns/{cid}/results", boss)
    assert code == 200
    a = body["agencies"][0]
    assert a["files"] == 2 and a["scored"] == 1 and a["grades"]["fail"] == 1 and a["rank"] == 1
    # one scored file: every deduction counts once, and ties are listed in code order
    assert a["top_deductions"][0] == {"code": min(i["code"] for i in items), "count": 1}


def test_api_refusals(kit: CaseKit, api_token: Any) -> None:
    w = kit.world
    clean_case(kit)
    boss = api_token(w.supervisor)
    code, body = call("POST", "/api/v1/reviews/campaigns", boss, {**campaign_data(kit), "colour": "red"})
    assert code == 400 and body["code"] == "unknown_field"
    code, body = call("POST", "/api/v1/reviews/campaigns", api_token(w.approver_a), campaign_data(kit))
    assert code == 403
    code, body = call("POST", "/api/v1/reviews/campaigns", boss, campaign_data(kit))
    cid = body["id"]
    call("POST", f"/api/v1/reviews/campaigns/{cid}/draw", boss, {})
    file_id = SampledFile.objects.get().pk
    # Another officer of the file's own agency cannot open it.
    code, body = call("GET", f"/api/v1/reviews/files/{file_id}", api_token(w.officer_a2))
    assert code == 404
    code, body = call(
        "POST", "/api/v1/reviews/rubrics", boss, {"code": "x", "name": "x", "items": [], "y": 1}
    )
    assert code == 400 and body["code"] == "unknown_field"
    code, body = call(
        "POST",
        "/api/v1/reviews/rubrics",
        boss,
        {
            "code": "city",
            "name": "市评查标准",
            "items": [
                {"code": "V1", "section": "veto", "text": "未告知", "check": "prior_notice"},
                {"code": "F1", "section": "form", "text": "齐全", "max_deduction": "20"},
                {"code": "S1", "section": "substance", "text": "事实清楚", "max_deduction": "80"},
            ],
        },
    )
    assert code == 201 and body["version"] == 1 and body["items"][0]["check"] == "prior_notice"
    code, body = call("GET", "/api/v1/reviews/rubrics", api_token(w.officer_b))
    assert code == 200 and {r["code"] for r in body} == {"city", "standard"}
