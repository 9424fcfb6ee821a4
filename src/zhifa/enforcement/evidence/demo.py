"""Demo step 50: evidence and written records for the demo city's open cases.

Photos are real JPEGs drawn with Pillow, the documentary evidence a real PDF rendered by WeasyPrint,
the body-camera clips small ISO-media files (a container header and generated payload: enough to be
recognised, hashed and listed, not to play). Everything goes through the real services, so each file
is stored by content with its SM3 and SHA-256 and each step is in the audit chain.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from zhifa.enforcement.cases.models import Case, State
from zhifa.enforcement.documents.models import Document
from zhifa.enforcement.documents.services import document_generate
from zhifa.enforcement.evidence.factories import jpeg_bytes, make_evidence, mp4_bytes, pdf_bytes

OPEN_STATES = [
    State.INVESTIGATING,
    State.PROPOSED,
    State.NOTIFIED,
    State.DECIDED,
    State.SERVED,
    State.EXECUTED,
]
CASES = 16


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(9, 0)) + dt.timedelta(minutes=rng.randrange(0, 480))
    )


def seed_evidence(ctx: dict[str, Any]) -> None:
    users = ctx["users"]
    agency = ctx["agencies"]["cgj"]
    rng = random.Random(50)
    cases = list(
        Case.objects.filter(agency=agency, state__in=OPEN_STATES, procedure="ordinary").order_by(
            "-registered_at"
        )[:CASES]
    )
    for n, case in enumerate(cases):
        officer = users["officer1"] if n % 2 == 0 else users["officer2"]
        day = case.discovered_on
        for k in range(2):
            make_evidence(
                actor=officer,
                agency=agency,
                case=case,
                data=jpeg_bytes(f"case {case.pk} photo {k + 1}", seed=n * 10 + k),
                name=f"IMG_{day:%Y%m%d}_{k + 1:03d}.jpg",
                kind="photo",
                description=f"现场照片{k + 1}：{case.location}",
                captured_at=_at(day, rng),
                location=case.location,
                device=f"执法记录仪 HZ-CG-{(n % 6) + 1:03d}",
                latitude=None,
                longitude=None,
            )
        if n % 3 == 0:
            make_evidence(
                actor=officer,
                agency=agency,
                case=case,
                data=mp4_bytes(96_000, seed=n),
                name=f"DSJ_{day:%Y%m%d}.MP4",
                kind="video",
                description="执法记录仪视频：现场检查全过程",
                captured_at=_at(day, rng),
                location=case.location,
                device=f"执法记录仪 HZ-CG-{(n % 6) + 1:03d}",
            )
        if n % 4 == 1:
            make_evidence(
                actor=officer,
                agency=agency,
                case=case,
                data=pdf_bytes(f"{case.party_name} 情况说明（当事人提交）"),
                name="情况说明.pdf",
                kind="document",
                description="当事人提交的书面情况说明",
                captured_at=_at(day, rng),
            )
        if not Document.objects.filter(case=case, code__in=["inspection_record", "inquiry_record"]).exists():
            document_generate(
                case=case,
                code="inspection_record",
                actor=officer,
                inputs={
                    "place": case.location,
                    "present": case.party_name,
                    "recorder": officer.display_name,
                    "findings": f"经现场检查：{case.facts}现场拍摄照片并以执法记录仪全程记录。",
                },
            )
        if n % 5 == 2:
            document_generate(
                case=case,
                code="inquiry_record",
                actor=officer,
                inputs={
                    "person": case.party_name,
                    "place": "海州市城市管理局询问室",
                    "qa": [
                        {"q": "你是否知道该行为需要经过批准？", "a": "知道，但当时没有办理。"},
                        {"q": "你对现场检查的情况有无异议？", "a": "没有异议。"},
                    ],
                },
            )
    ctx["evidence"] = {"cases": len(cases)}
