"""Demo officers for 海州市 (fictional): every demo agency gets officers with credentials — most valid,
some expiring or due for review within the alert window, one suspended, one revoked, one expired, one
newcomer without a card — and this year's training hours and annual exam. Dates are relative to
the day the demo is loaded, so the alerts and rates always have something to show.

The demo users officer1 (陈立新) and officer2 (林晓燕) are the first two city-management officers with
valid cards (the conformance client files a case with the first two of `GET /officers`).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhifa.officers.factories import make_id_number
from zhifa.officers.models import Credential, Officer
from zhifa.officers.services import (
    credential_issue,
    credential_review_record,
    credential_revoke,
    credential_suspend,
    credentials_expire,
    officer_create,
    officer_photo_set,
)
from zhifa.officers.services_training import exam_result_record, exam_session_create, training_record_add

ISSUER = "海州市人民政府"
CGJ_SCOPE = "市容环境卫生、城乡规划、城市道路、园林绿化等城市管理领域的行政处罚及相关行政强制、行政检查"
SCJ_SCOPE = "市场主体登记、产品质量、食品安全、价格等市场监督管理领域的行政处罚及相关行政强制、行政检查"
SFJ_SCOPE = "对本市行政执法主体及其执法人员的行政执法活动进行监督"

# (key, name, gender, agency, unit, position, user, plan, extras)
# plan: "valid", "expiring:<days>", "review:<days>", "suspended", "revoked", "expired", "none"
PEOPLE: list[tuple[str, str, str, str, str | None, str, str | None, str, dict[str, Any]]] = [
    ("officer1", "陈立新", "male", "cgj", "cgj_east", "中队长", "officer1", "valid", {}),
    ("officer2", "林晓燕", "female", "cgj", "cgj_west", "执法队员", "officer2", "valid", {}),
    ("approver", "王建国", "male", "cgj", None, "副局长", "approver", "valid", {}),
    (
        "reviewer",
        "郑法明",
        "male",
        "cgj",
        "cgj_fz",
        "法制科科长",
        "reviewer",
        "valid",
        {"has_legal_qualification": True, "legal_qualification_number": "A20143509020117"},
    ),
    ("cg_zhou", "周海涛", "male", "cgj", "cgj_east", "执法队员", None, "expiring:12", {}),
    ("cg_wu", "吴静", "female", "cgj", "cgj_east", "执法队员", None, "review:10", {}),
    ("cg_zheng", "郑凯", "male", "cgj", "cgj_east", "执法队员", None, "revoked", {}),
    ("cg_sun", "孙磊", "male", "cgj", "cgj_west", "副中队长", None, "expiring:25", {}),
    ("cg_he", "何丽萍", "female", "cgj", "cgj_west", "执法队员", None, "valid", {}),
    ("cg_xu", "许文博", "male", "cgj", "cgj_west", "执法队员", None, "none", {}),
    (
        "cg_feng",
        "冯雅",
        "female",
        "cgj",
        "cgj_fz",
        "法制审核员",
        None,
        "valid",
        {"has_legal_qualification": True, "legal_qualification_number": "A20193509020542"},
    ),
    ("market1", "刘市监", "male", "scj", "scj_zd", "稽查队员", "market1", "valid", {}),
    ("sc_zhao", "赵明辉", "male", "scj", "scj_zd", "支队长", None, "valid", {}),
    ("sc_qian", "钱芳", "female", "scj", "scj_zd", "稽查队员", None, "expiring:20", {}),
    ("sc_huang", "黄志强", "male", "scj", "scj_zd", "稽查队员", None, "suspended", {}),
    ("sc_ma", "马晓东", "male", "scj", "scj_zd", "稽查队员", None, "expired", {}),
    ("supervisor", "黄监督", "male", "sfj", "sfj_jd", "科长", "supervisor", "valid", {}),
    ("sf_song", "宋法治", "female", "sfj", "sfj_jd", "监督员", None, "valid", {}),
]
AGENCY_CODES = {"sfj": "01", "cgj": "02", "scj": "03"}
AREAS = {"cgj": ["城市管理"], "scj": ["市场监管"], "sfj": ["行政执法监督"]}
SCOPES = {"cgj": CGJ_SCOPE, "scj": SCJ_SCOPE, "sfj": SFJ_SCOPE}


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _portrait(seed: int) -> bytes:
    """A plain head-and-shoulders silhouette (PNG) so the check page shows where the photo goes."""
    from PIL import Image, ImageDraw

    backgrounds = [(219, 234, 254), (220, 252, 231), (254, 243, 199), (237, 233, 254)]
    image = Image.new("RGB", (240, 320), backgrounds[seed % len(backgrounds)])
    draw = ImageDraw.Draw(image)
    draw.ellipse((75, 60, 165, 160), fill=(71, 85, 105))
    draw.pieslice((30, 170, 210, 380), 180, 360, fill=(30, 58, 138))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _issue(officer: Officer, *, agency_key: str, seq: int, plan: str, today: dt.date) -> Credential | None:
    if plan == "none":
        return None
    kind = Credential.Kind.SUPERVISION if agency_key == "sfj" else Credential.Kind.ENFORCEMENT
    issued = _years_before(today, 2) - dt.timedelta(days=40 + seq * 7)
    expires = _years_before(issued, -5) - dt.timedelta(days=1)
    reviewed: dt.date | None = today - dt.timedelta(days=30 + seq)
    if plan.startswith("expiring:"):
        expires = today + dt.timedelta(days=int(plan.split(":")[1]))
    elif plan.startswith("review:"):
        # Issued a little under a year ago and not yet reviewed: the first review falls due soon.
        issued = _years_before(today + dt.timedelta(days=int(plan.split(":")[1])), 1)
        reviewed = None
    elif plan == "expired":
        issued = _years_before(today, 5) - dt.timedelta(days=60)
        expires = today - dt.timedelta(days=15)
        reviewed = None
    number = f"3509{AGENCY_CODES[agency_key]}{issued.year}{seq:04d}"
    credential = credential_issue(
        actor=None,
        officer_id=officer.pk,
        number=number,
        issuer=ISSUER,
        areas=AREAS[agency_key],
        scope=SCOPES[agency_key],
        issued_on=issued,
        expires_on=expires,
        kind=kind,
    )
    if reviewed is not None and reviewed > issued:
        credential_review_record(actor=None, credential_id=credential.pk, reviewed_on=reviewed, passed=True)
    if plan == "suspended":
        credential_suspend(
            actor=None, credential_id=credential.pk, reason="涉嫌违规执法，停职接受调查期间暂停使用"
        )
    elif plan == "revoked":
        credential_revoke(actor=None, credential_id=credential.pk, reason="调离行政执法岗位，依规注销执法证")
    return credential


def _study(officer: Officer, *, index: int, today: dt.date) -> None:
    """This year's study: legal training, group study and online study, varying by person."""
    start = dt.date(today.year, 1, 1)

    def on(offset: int) -> dt.date:
        return min(start + dt.timedelta(days=offset), today)

    plan = [
        (
            "legal_training",
            "《行政处罚法》专题培训班",
            on(45),
            Decimal(16) if index % 4 else Decimal(8),
            Decimal(4),
            8,
        ),
        ("group_study", "季度集中学法（行政执法法律法规）", on(80), Decimal(6), Decimal(0), 3),
        ("online_study", "网络学法平台必修课程", on(120), Decimal(8 + (index * 3) % 14), Decimal(0), 4),
        (
            "legal_training",
            "行政执法程序规范培训",
            on(160),
            Decimal(12) if index % 3 else Decimal(0),
            Decimal(3),
            6,
        ),
    ]
    for kind, title, held_on, hours, days, points in plan:
        if hours == 0:
            continue
        training_record_add(
            actor=None,
            officer_id=officer.pk,
            kind=kind,
            title=title,
            held_on=held_on,
            hours=hours,
            days=days,
            points=points,
        )


def seed_officers(ctx: dict[str, Any]) -> None:
    today = timezone.localdate()
    agencies, units, users = ctx["agencies"], ctx["units"], ctx["users"]
    officers: dict[str, Officer] = {}
    for index, (key, name, gender, agency_key, unit_key, position, username, plan, extra) in enumerate(
        PEOPLE
    ):
        born = dt.date(1970 + (index * 7) % 28, 1 + index % 12, 1 + (index * 5) % 28)
        officer = officer_create(
            actor=None,
            agency=agencies[agency_key],
            unit=units[unit_key] if unit_key else None,
            user=users.get(username) if username else None,
            name=name,
            gender=gender,
            id_number=make_id_number(region="350902", born=born, seq=100 + index),
            position=position,
            areas=AREAS[agency_key],
            **extra,
        )
        officer_photo_set(actor=None, officer_id=officer.pk, data=_portrait(index))
        _issue(officer, agency_key=agency_key, seq=index + 1, plan=plan, today=today)
        officers[key] = officer
    credentials_expire(on=today)  # the demo's expired card shows as expired at once

    for index, officer in enumerate(officers.values()):
        _study(officer, index=index, today=today)

    exam = exam_session_create(
        actor=None,
        organiser=ctx["city"],
        kind="annual",
        title=f"{today.year}年度行政执法人员法律知识考试",
        held_on=min(dt.date(today.year, 6, 20), today),
    )
    scores = [92, 88, 76, 95, 67, 81, 58, 73, 86, 90, 79, 84, 91, 70, 87, 64, 93]
    examined = list(officers.values())
    for index, officer in enumerate(examined):
        if index == len(examined) - 1:
            exam_result_record(actor=None, session_id=exam.pk, officer_id=officer.pk, absent=True)
        else:
            exam_result_record(
                actor=None, session_id=exam.pk, officer_id=officer.pk, score=scores[index % len(scores)]
            )
    ctx["officers"] = officers
