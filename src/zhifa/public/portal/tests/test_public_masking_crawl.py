"""Issue 14: every public page and every public API response, over data seeded with the spellings
that used to pass the mask (third parties named in the facts, ID numbers with spaces and of 15
digits, mobiles with dashes, spaces, full-width digits and +86, a home address), shows no ID number,
no mobile number and no full person name."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from zhifa.core.access import get_access
from zhifa.core.masking import contains_personal_data
from zhifa.public.complaints.factories import make_complaint, make_routing
from zhifa.public.portal import services as portal
from zhifa.public.portal.factories import publish_reviewed

pytestmark = pytest.mark.django_db

PARTY = "林晓燕"
THIRD_PARTIES = ["李明华", "王小明", "欧阳娜娜"]
FACTS = (
    f"当事人{PARTY}（身份证号3501 0219 9001 0112 34，旧证350102900101123，家住海州市东湖区幸福小区5幢1201室）"
    f"雇佣{THIRD_PARTIES[0]}在建设路88号门前占道经营，经{THIRD_PARTIES[1]}举报（电话138-0013-8000）查实；"
    f"现场负责人{THIRD_PARTIES[2]}（电话１３９００１３９０００、+86 137 0013 7000）在场。"
)
SECRETS_TEXT = ["1201室", "幸福小区"]


def _seed(world: Any) -> dict[str, Any]:
    decision = portal.publication_schedule(
        snapshot=portal.DecisionSnapshot(
            case_id=1,
            agency=world.agency_a,
            decision_number="测城管罚决〔2026〕1号",
            decided_on=dt.date(2026, 3, 2),
            party_kind="person",
            party_name=PARTY,
            party_id_number="350102199001011234",
            measures=["fine"],
            fine_amount=Decimal("500"),
            facts=FACTS,
            violated_provision="《城市道路管理条例》第二十七条",
            penalty_provision="《城市道路管理条例》第四十二条",
            category="城市道路管理条例",
        )
    )
    publish_reviewed(decision)
    routing = make_routing(world)
    complaint = make_complaint(
        routing.street_vending,
        routing.east,
        content=f"{THIRD_PARTIES[0]}每天在解放路12号门口摆摊，他的电话是139 0013 9000，身份证350102-19900101-1234。",
        complainant_name="欧阳娜娜",
        complainant_phone="13800138000",
    )
    return {"decision": decision, "complaint": complaint, "agency": world.agency_a}


def _public_get_urls(seeded: dict[str, Any]) -> list[str]:
    values = {
        "decision_id": seeded["decision"].pk,
        "agency_id": seeded["agency"].pk,
        "code": seeded["complaint"].tracking_code,
        "name": "ordinary",
        "item_id": 1,
    }
    urls: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                access = get_access(p.callback)
                if access is None or access.kind != "public":
                    continue
                route = prefix + str(p.pattern)
                if route.startswith(("api/", "static", "media", "admin")) or "logout" in route:
                    continue
                filled = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), "")), route)
                urls.append("/" + filled)

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


def _public_api_urls(seeded: dict[str, Any]) -> list[str]:
    from zhifa.config.api import api

    values = {"tracking_code": seeded["complaint"].tracking_code, "decision_id": seeded["decision"].pk}
    urls = []
    for path, ops in api.get_openapi_schema()["paths"].items():
        if "/public/" in path and "get" in ops:
            urls.append(re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), "x")), path))
    return urls


def _leaks(text: str) -> list[str]:
    names = [PARTY, *THIRD_PARTIES]
    return contains_personal_data(text, names=names) + [s for s in SECRETS_TEXT if s in text]


def test_no_public_page_or_public_api_response_shows_personal_data(world) -> None:
    seeded = _seed(world)
    client = Client(raise_request_exception=False)
    checked = 0
    problems: dict[str, list[str]] = {}
    for url in _public_get_urls(seeded) + _public_api_urls(seeded):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.get("Content-Type", "").startswith("application/json"):
            text = json.dumps(response.json(), ensure_ascii=False)
        else:
            text = response.content.decode("utf-8", errors="replace")
        checked += 1
        if leaks := _leaks(text):
            problems[url] = leaks
    assert checked >= 15
    assert problems == {}
    page = client.get(f"/portal/decisions/{seeded['decision'].pk}/").content.decode()
    assert "林**" in page and "李**" in page  # masked, not deleted: the facts still read
