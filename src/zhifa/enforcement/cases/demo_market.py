"""Demo step 41: the market-regulation bureau's (海州市市场监督管理局) own cases, on its own power items
(powers.demo gives it the items about trading without a licence and about advertising structures):
leads — one whose party is not known yet — and filed cases handled by its two officers with valid
credentials. Driven through the real services, like step 40."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zhifa.core.identity import uscc_check_char
from zhifa.enforcement.cases.services import case_apply_event, case_register
from zhifa.officers.models import Officer
from zhifa.powers.models import PowerItem

# (power item code, party name or "" when not known yet, facts, days ago, file it?)
STORIES = [
    (
        "CF-RQ-001",
        "海州市顺达燃气经营部",
        "在港湾路{no}号未取得燃气经营许可证向周边餐馆销售瓶装液化石油气。",
        30,
        True,
    ),
    (
        "CF-SR-003",
        "海州市华彩广告传媒有限公司",
        "未经同意在滨海大道沿线擅自设置大型户外广告牌一块。",
        20,
        True,
    ),
    ("CF-DL-002", "海州市新视界文化传播有限公司", "擅自在解放大道人行天桥上设置广告横幅三条。", 12, True),
    ("CF-RQ-001", "", "群众举报工业大道{no}号附近有人用三轮车流动销售瓶装液化气，现场未见经营者。", 3, False),
    ("CF-SR-003", "海州市恒远商贸有限公司", "在金融街{no}号楼顶设置大型广告牌，未见设置许可。", 1, False),
]


def _organisation(n: int, name: str) -> dict[str, str]:
    first17 = f"91350900MB{n:07d}"
    return {"kind": "organisation", "name": name, "id_number": first17 + uscc_check_char(first17)}


def seed_market_cases(ctx: dict[str, Any]) -> None:
    users = ctx["users"]
    agency = ctx["agencies"]["scj"]
    approver = users["market_head"]
    officer = users["market1"]
    handlers = list(
        Officer.objects.filter(agency=agency, name__in=["刘市监", "赵明辉"]).values_list("pk", flat=True)
    )
    items = {i.code: i for i in PowerItem.objects.filter(agency=agency)}
    today = timezone.localdate()
    for n, (code, party_name, facts, days_ago, filed) in enumerate(STORIES, start=1):
        d0 = today - dt.timedelta(days=days_ago)
        data: dict[str, Any] = {
            "procedure": "ordinary",
            "agency_id": agency.pk,
            "source": "complaint" if not party_name else "inspection",
            "facts": facts.format(no=10 + n),
            "location": "海州市",
            "occurred_on": (d0 - dt.timedelta(days=1)).isoformat(),
            "discovered_on": d0.isoformat(),
            # entered later than the 补录 window: the record it was discovered in (行政处罚法第三十六条)
            "discovery_record": f"{'投诉登记' if not party_name else '检查记录'}（{d0:%Y-%m-%d}）",
            "power_item_id": items[code].pk,
        }
        if party_name:
            data["party"] = _organisation(n, party_name)
        case = case_register(actor=officer, data=data)
        if filed:
            case_apply_event(
                case_id=case.pk,
                actor=approver,
                event="file",
                data={"officer_ids": handlers, "filed_on": (d0 + dt.timedelta(days=1)).isoformat()},
            )
    ctx["market_cases"] = {"count": len(STORIES)}
