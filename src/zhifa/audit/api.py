from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from zhifa.audit.services import audit_verify
from zhifa.core import access
from zhifa.core.roles import Role

router = Router(tags=["audit"])


class VerifyOut(Schema):
    ok: bool
    entries: int
    head: str
    first_bad: dict[str, Any] | None = None


@router.get("/audit/verify", response=VerifyOut)
@access.roles(Role.SUPERVISOR, Role.ADMIN)
def audit_verify_view(request: HttpRequest) -> dict[str, Any]:
    return audit_verify().as_dict()
