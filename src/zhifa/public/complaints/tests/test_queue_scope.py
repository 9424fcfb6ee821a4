"""Whose queue the complaint page opens on: a squadron's officer his squadron's; whoever holds a role on
an agency or a government (the bureau's leadership, the justice bureau's supervisors) everything under
it — even when he sits in a unit (the demo's supervisor works in 行政执法协调监督科)."""

import pytest

from zhifa.org.factories import make_user
from zhifa.org.models import OrgNode
from zhifa.org.roles import Role
from zhifa.org.services import org_node_create
from zhifa.public.complaints.factories import make_complaint

pytestmark = pytest.mark.django_db


def test_a_supervisor_sitting_in_a_unit_sees_the_whole_city(client, routing, world, frozen) -> None:
    desk = org_node_create(actor=None, kind=OrgNode.Kind.UNIT, name="协调监督科", parent=world.justice)
    supervisor = make_user("sup_desk", node=desk, roles=[(Role.SUPERVISOR, world.city)], full_name="监督员")
    a = make_complaint(routing.street_vending, routing.east)
    b = make_complaint(routing.food)
    client.force_login(supervisor)
    page = client.get("/complaints/").content.decode()
    assert a.tracking_code in page and b.tracking_code in page


def test_an_approver_sitting_in_a_unit_sees_the_agency(client, routing, world, frozen) -> None:
    head = make_user("head_a", node=world.legal_a, roles=[(Role.APPROVER, world.agency_a)], full_name="局长")
    east = make_complaint(routing.street_vending, routing.east)
    west = make_complaint(routing.street_vending, routing.west)
    client.force_login(head)
    page = client.get("/complaints/").content.decode()
    assert east.tracking_code in page and west.tracking_code in page
