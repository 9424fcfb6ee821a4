"""Builders for tests and demo data, through the services (audit entries and checks are real)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from zhifa.core import credit_code
from zhifa.enforcement.inspections import services
from zhifa.enforcement.inspections.models import InspectionItem, Plan, Target
from zhifa.officers.factories import make_credentialed_officer
from zhifa.officers.models import Officer

_serial = itertools.count(1)


def make_uscc(n: int | None = None, *, region: str = "320100") -> str:
    """A valid 统一社会信用代码 (both check characters right) for an enterprise ("91")."""
    return credit_code.make(f"91{region}", f"{n if n is not None else next(_serial):08d}")


def make_item(actor: Any, agency: Any, *, code: str = "", **data: Any) -> InspectionItem:
    return services.item_create(
        actor=actor,
        data={
            "agency_id": agency.pk,
            "code": code or f"ITEM-{next(_serial):03d}",
            "name": data.pop("name", "户外广告设置检查"),
            "basis": data.pop("basis", "《城市市容和环境卫生管理条例》第十一条"),
            "object_type": data.pop("object_type", "enterprise"),
            "ratio": data.pop("ratio", "5"),
            "method": data.pop("method", "on_site"),
            **data,
        },
    )


def make_target(actor: Any, agency: Any, **data: Any) -> Target:
    return services.target_create(
        actor=actor,
        data={
            "agency_id": agency.pk,
            "name": data.pop("name", f"测试商贸有限公司{next(_serial)}"),
            "credit_code": data.pop("credit_code", None) or make_uscc(),
            "object_type": data.pop("object_type", "enterprise"),
            **data,
        },
    )


def make_plan(actor: Any, agency: Any, items: list[InspectionItem], **data: Any) -> Plan:
    today = data.pop("today", None) or timezone.localdate()
    return services.plan_create(
        actor=actor,
        data={
            "agency_id": agency.pk,
            "kind": data.pop("kind", "annual"),
            "name": data.pop("name", "年度双随机抽查计划"),
            "item_ids": [i.pk for i in items],
            "enforcement_area": data.pop("enforcement_area", "城市管理"),
            "starts_on": data.pop("starts_on", today.replace(month=1, day=1)),
            "ends_on": data.pop("ends_on", today.replace(month=12, day=31)),
            **({"number": 2} if "ratio" not in data and "number" not in data else {}),
            **data,
        },
    )


@dataclass
class InspectionWorld:
    """Agency A's inspection setup: items, four inspectors with accounts (officer_a, officer_a2,
    inspector_3, inspector_4; area 城市管理), a directory of targets."""

    items: list[InspectionItem]
    inspectors: list[Officer]
    targets: list[Target] = field(default_factory=list)


def _inspector_user(username: str, name: str, world: Any) -> Any:
    from zhifa.org.factories import make_user
    from zhifa.org.roles import Role

    user = make_user(username, node=world.squad_a1, roles=[(Role.OFFICER, world.squad_a1)], full_name=name)
    world.users[username] = user
    return user


def build_inspection_world(world: Any, *, targets: int = 6) -> InspectionWorld:
    agency = world.agency_a
    inspectors = [
        make_credentialed_officer(agency=agency, user=world.officer_a, unit=world.squad_a1),
        make_credentialed_officer(agency=agency, user=world.officer_a2, unit=world.squad_a2),
        make_credentialed_officer(
            agency=agency, user=_inspector_user("inspector_3", "周九", world), name="周九"
        ),
        make_credentialed_officer(
            agency=agency, user=_inspector_user("inspector_4", "吴十", world), name="吴十"
        ),
    ]
    items = [
        make_item(world.approver_a, agency, code="CG-01"),
        make_item(world.approver_a, agency, code="CG-02"),
    ]
    made = [make_target(world.approver_a, agency) for _ in range(targets)]
    return InspectionWorld(items, inspectors, made)
