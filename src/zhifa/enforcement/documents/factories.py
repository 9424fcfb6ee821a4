"""Builders for tests and demo data: documents made through the real services."""

from __future__ import annotations

from typing import Any

from zhifa.enforcement.documents.models import Document
from zhifa.enforcement.documents.services import document_generate


def add_investigation_record(case: Any, actor: Any, *, findings: str = "") -> Document:
    """An on-site inspection record (现场检查笔录), which every ordinary case file needs before it can be
    archived (行政处罚法第五十五条). Tests that drive a case to `archived` call this first."""
    return document_generate(
        case=case,
        code="inspection_record",
        actor=actor,
        inputs={
            "place": case.location,
            "present": case.party_name,
            "findings": findings or f"经现场检查：{case.facts}",
        },
    )
