"""org.selectors.agency_by_id and active_user: the lookups other apps' payload and form checks use."""

import pytest

from zhifa.org.factories import make_user
from zhifa.org.models import OrgNode, User
from zhifa.org.selectors import (
    active_agencies,
    active_units,
    active_user,
    agencies_and_governments_of,
    agency_by_id,
    child_units,
)

pytestmark = pytest.mark.django_db


def test_agency_by_id_finds_agencies_only(world) -> None:
    assert agency_by_id(world.agency_a.pk) == world.agency_a
    assert agency_by_id(world.squad_a1.pk) is None  # a unit is not an agency
    assert agency_by_id(world.justice.pk) == (
        world.justice if world.justice.kind == OrgNode.Kind.AGENCY else None
    )
    OrgNode.objects.filter(pk=world.agency_b.pk).update(is_active=False)
    assert agency_by_id(world.agency_b.pk) == world.agency_b  # out of service, still the agency
    assert agency_by_id(10**9) is None


def test_active_user_by_id_or_username(world) -> None:
    user = make_user("lookup_u", node=world.agency_a)
    assert active_user(user_id=user.pk) == user
    assert active_user(username="lookup_u") == user
    assert active_user(username="nobody") is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert active_user(user_id=user.pk) is None
    assert active_user(username="lookup_u") is None
    with pytest.raises(TypeError):
        active_user()
    with pytest.raises(TypeError):
        active_user(user_id=user.pk, username="lookup_u")


def test_units_and_agencies_in_service(world) -> None:
    units_a = list(active_units(agency_ids=[world.agency_a.pk]))
    assert world.squad_a1 in units_a and all(u.agency_id == world.agency_a.pk for u in units_a)
    assert all(u.is_unit for u in units_a) and not world.agency_a.is_unit and not world.city.is_unit
    assert [u.path for u in units_a] == sorted(u.path for u in units_a)
    OrgNode.objects.filter(pk=world.squad_a1.pk).update(is_active=False)
    assert world.squad_a1 not in list(active_units(agency_ids=[world.agency_a.pk]))

    agencies = list(active_agencies(excluding=world.agency_a.pk))
    assert world.agency_b in agencies and world.agency_a not in agencies
    assert all(a.kind == OrgNode.Kind.AGENCY for a in agencies)
    assert world.agency_a in list(active_agencies())


def test_the_bodies_a_user_acts_for(world) -> None:
    from zhifa.org.roles import Role

    # the city's administrator: the city government itself and every agency under it
    bodies = list(agencies_and_governments_of(world.admin, roles=[Role.ADMIN]))
    assert world.city in bodies and world.agency_a in bodies and world.agency_b in bodies
    assert not any(b.is_unit for b in bodies)
    assert [b.path for b in bodies] == sorted(b.path for b in bodies)
    # an agency's approver: that agency only, and no government
    assert list(agencies_and_governments_of(world.approver_a, roles=[Role.APPROVER])) == [world.agency_a]
    assert list(agencies_and_governments_of(world.outsider, roles=[Role.ADMIN])) == []


def test_child_units_are_the_units_directly_under_a_node(world) -> None:
    from zhifa.org.services import org_node_create

    nested = org_node_create(actor=None, kind=OrgNode.Kind.UNIT, name="一中队一组", parent=world.squad_a1)
    children = list(child_units(world.agency_a.pk))
    assert world.squad_a1 in children and world.squad_a2 in children
    assert nested not in children  # a unit under a unit is not the agency's own
    assert list(child_units(world.squad_a1.pk)) == [nested]
    OrgNode.objects.filter(pk=world.squad_a2.pk).update(is_active=False)
    assert world.squad_a2 not in list(child_units(world.agency_a.pk))
