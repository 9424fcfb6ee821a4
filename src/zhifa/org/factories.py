"""Factories for the org tree and people. Build through the services so paths, scopes and audit
entries are real. `OrgWorld` gives every test the same small city and its personas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zhifa.core.testlayers import Layer
from zhifa.org.models import OrgNode, User
from zhifa.org.roles import Role
from zhifa.org.services import org_node_create, role_grant, user_create

PASSWORD = "correct-horse-battery"  # noqa: S105 — test password


def make_user(
    username: str,
    *,
    node: OrgNode | None,
    roles: list[tuple[str, OrgNode]] | None = None,
    full_name: str = "",
    password: str = PASSWORD,
) -> User:
    user = user_create(
        actor=None, username=username, password=password, full_name=full_name or username, node=node
    )
    for role, grant_node in roles or []:
        role_grant(actor=None, user=user, role=role, node=grant_node)
    return user


@dataclass
class OrgWorld:
    """A city with two agencies (A = city management with two squadrons, B = market regulation), a
    justice bureau, and one persona per role. Personas: officer_a (squadron 1 of A), officer_a2
    (squadron 2 of A), officer_b, approver_a, reviewer_a, supervisor (city node), admin,
    outsider (no role)."""

    city: OrgNode
    justice: OrgNode
    agency_a: OrgNode
    agency_b: OrgNode
    squad_a1: OrgNode
    squad_a2: OrgNode
    legal_a: OrgNode
    unit_b: OrgNode
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_org_world() -> OrgWorld:
    city = org_node_create(actor=None, kind=OrgNode.Kind.GOVERNMENT, name="测试市人民政府")
    justice = org_node_create(
        actor=None, kind=OrgNode.Kind.AGENCY, name="测试市司法局", parent=city, abbreviation="测司"
    )
    agency_a = org_node_create(
        actor=None, kind=OrgNode.Kind.AGENCY, name="测试市城市管理局", parent=city, abbreviation="测城管"
    )
    agency_b = org_node_create(
        actor=None, kind=OrgNode.Kind.AGENCY, name="测试市市场监督管理局", parent=city, abbreviation="测市监"
    )
    squad_a1 = org_node_create(actor=None, kind=OrgNode.Kind.UNIT, name="一中队", parent=agency_a)
    squad_a2 = org_node_create(actor=None, kind=OrgNode.Kind.UNIT, name="二中队", parent=agency_a)
    legal_a = org_node_create(actor=None, kind=OrgNode.Kind.UNIT, name="法制科", parent=agency_a)
    unit_b = org_node_create(actor=None, kind=OrgNode.Kind.UNIT, name="稽查支队", parent=agency_b)
    world = OrgWorld(city, justice, agency_a, agency_b, squad_a1, squad_a2, legal_a, unit_b)
    world.users = {
        "officer_a": make_user(
            "officer_a", node=squad_a1, roles=[(Role.OFFICER, squad_a1)], full_name="张三"
        ),
        "officer_a2": make_user(
            "officer_a2", node=squad_a2, roles=[(Role.OFFICER, squad_a2)], full_name="李四"
        ),
        "officer_b": make_user("officer_b", node=unit_b, roles=[(Role.OFFICER, unit_b)], full_name="王五"),
        "approver_a": make_user(
            "approver_a", node=agency_a, roles=[(Role.APPROVER, agency_a)], full_name="赵六"
        ),
        "reviewer_a": make_user(
            "reviewer_a", node=legal_a, roles=[(Role.LEGAL_REVIEWER, agency_a)], full_name="钱七"
        ),
        "supervisor": make_user(
            "supervisor", node=justice, roles=[(Role.SUPERVISOR, city)], full_name="孙八"
        ),
        "admin": make_user("admin", node=justice, roles=[(Role.ADMIN, city)], full_name="管理员"),
        "outsider": make_user("outsider", node=None, full_name="路人"),
    }
    return world


# The org world as a layer of shared test data (zhifa.core.testdata): built once per test process, under the
# process's clock (the tests build it before any fixture of theirs freezes the clock).
WORLD = Layer("org world", lambda below: build_org_world())
