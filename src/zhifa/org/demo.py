"""Demo city: 海州市 (fictional) with its justice bureau, city-management bureau (two district
squadrons) and market-regulation bureau, and one user per role."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password

from zhifa.org.models import OrgNode
from zhifa.org.roles import Role
from zhifa.org.services import org_node_create, role_grant, user_create


def demo_password_hash() -> str:
    """The demo password (public, the same for every demo account) hashed once per process and hasher
    list: each demo account stores this one hash instead of hashing the same public password again
    (Argon2 is ~0.3 s of CPU per hash, by design; 14 accounts were 4 s of the seeding)."""
    return _hash(settings.DEMO_PASSWORD, tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _hash(password: str, hashers: tuple[str, ...]) -> str:
    return make_password(password)


def seed_org(ctx: dict[str, Any]) -> None:
    pw = settings.DEMO_PASSWORD
    encoded = demo_password_hash()
    city = org_node_create(
        actor=None,
        kind=OrgNode.Kind.GOVERNMENT,
        name="海州市人民政府",
        region_code="350900",
        address="海州市行政中心",
        phone="0591-12345",
    )
    sfj = org_node_create(
        actor=None,
        kind=OrgNode.Kind.AGENCY,
        name="海州市司法局",
        parent=city,
        abbreviation="海司",
        duties="承担行政执法监督、规范性文件备案审查、行政复议应诉等职责。",
        address="海州市政务路1号",
        phone="0591-87000001",
    )
    sfj_jd = org_node_create(actor=None, kind=OrgNode.Kind.UNIT, name="行政执法协调监督科", parent=sfj)
    cgj = org_node_create(
        actor=None,
        kind=OrgNode.Kind.AGENCY,
        name="海州市城市管理局",
        parent=city,
        abbreviation="海城管",
        duties="负责市容环境卫生、城乡规划、城市道路、园林绿化等领域的行政处罚及相关行政强制、行政检查。",
        address="海州市城建路8号",
        phone="0591-87000012",
    )
    cgj_fz = org_node_create(actor=None, kind=OrgNode.Kind.UNIT, name="法制科", parent=cgj)
    cgj_east = org_node_create(actor=None, kind=OrgNode.Kind.UNIT, name="东城区执法中队", parent=cgj)
    cgj_west = org_node_create(actor=None, kind=OrgNode.Kind.UNIT, name="西城区执法中队", parent=cgj)
    scj = org_node_create(
        actor=None,
        kind=OrgNode.Kind.AGENCY,
        name="海州市市场监督管理局",
        parent=city,
        abbreviation="海市监",
        duties="负责市场主体登记、产品质量、食品安全、价格等领域的监督管理和行政执法。",
        address="海州市工商路3号",
        phone="0591-87000020",
    )
    scj_zd = org_node_create(actor=None, kind=OrgNode.Kind.UNIT, name="执法稽查支队", parent=scj)

    admin = user_create(
        actor=None,
        username="admin",
        password=pw,
        encoded_password=encoded,
        full_name="系统管理员",
        node=sfj,
        is_staff=True,
        is_superuser=True,
    )
    role_grant(actor=None, user=admin, role=Role.ADMIN, node=city)
    people = [
        ("officer1", "陈立新", cgj_east, Role.OFFICER, cgj_east),
        ("officer2", "林晓燕", cgj_west, Role.OFFICER, cgj_west),
        ("approver", "王建国", cgj, Role.APPROVER, cgj),
        ("reviewer", "郑法明", cgj_fz, Role.LEGAL_REVIEWER, cgj),
        ("supervisor", "黄监督", sfj_jd, Role.SUPERVISOR, city),
        ("market1", "刘市监", scj_zd, Role.OFFICER, scj_zd),
        ("market_head", "周建华", scj, Role.APPROVER, scj),  # files and decides the bureau's cases
    ]
    users = {"admin": admin}
    for username, name, node, role, grant_node in people:
        user = user_create(
            actor=None, username=username, password=pw, encoded_password=encoded, full_name=name, node=node
        )
        role_grant(actor=None, user=user, role=role, node=grant_node)
        users[username] = user
    ctx["city"] = city
    ctx["agencies"] = {"sfj": sfj, "cgj": cgj, "scj": scj}
    ctx["units"] = {
        "sfj_jd": sfj_jd,
        "cgj_fz": cgj_fz,
        "cgj_east": cgj_east,
        "cgj_west": cgj_west,
        "scj_zd": scj_zd,
    }
    ctx["users"] = users
