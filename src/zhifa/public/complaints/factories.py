"""Test and demo helpers: routing tables for an OrgWorld, and complaints driven through the services
to any state (a lifecycle "trait" per state)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhifa.public.complaints import services as svc
from zhifa.public.complaints.models import Area, Category, Channel, Complaint, RoutingRule


@dataclass
class Routing:
    street_vending: Category  # 城管 (agency A): east → squadron 1, any other area → agency A's queue
    noise: Category  # 城管 (agency A), no rule at all: the category's agency receives it
    food: Category  # 市监 (agency B): any area → its inspection unit
    east: Area
    west: Area


def make_routing(world: Any) -> Routing:
    street_vending = Category.objects.create(code="zdjy", name="占道经营", agency=world.agency_a, order=1)
    noise = Category.objects.create(code="zs", name="施工噪声", agency=world.agency_a, order=2)
    food = Category.objects.create(code="sp", name="食品安全", agency=world.agency_b, order=3)
    east = Area.objects.create(name="东区", order=1)
    west = Area.objects.create(name="西区", order=2)
    RoutingRule.objects.create(category=street_vending, area=east, node=world.squad_a1)
    RoutingRule.objects.create(category=food, area=None, node=world.unit_b)
    return Routing(street_vending, noise, food, east, west)


def complaint_input(category: Category, area: Area | None = None, **overrides: Any) -> svc.ComplaintInput:
    data: dict[str, Any] = {
        "category_id": category.pk,
        "area_id": area.pk if area else None,
        "location": "测试市东区解放路12号",
        "title": "早餐摊占用人行道",
        "content": "每天早上六点到九点，解放路12号门口的早餐摊占用人行道，行人只能走机动车道。",
        "complainant_name": "欧阳娜娜",
        "complainant_phone": "13800138000",
    }
    data.update(overrides)
    return svc.ComplaintInput(**data)


def make_complaint(
    category: Category,
    area: Area | None = None,
    *,
    channel: str = Channel.WEB,
    actor: Any = None,
    **overrides: Any,
) -> Complaint:
    return svc.complaint_submit(
        data=complaint_input(category, area, **overrides), channel=channel, actor=actor
    )


def accepted(complaint: Complaint, actor: Any) -> Complaint:
    return svc.complaint_accept(complaint_id=complaint.pk, actor=actor)


def replied(
    complaint: Complaint, actor: Any, text: str = "经核查，已责令摊主退回店内经营，并加强巡查。"
) -> Complaint:
    complaint.refresh_from_db()
    if complaint.state == "received":
        complaint = accepted(complaint, actor)
    return svc.complaint_reply(complaint_id=complaint.pk, actor=actor, reply=text)
