import pytest

from zhifa.audit.models import AuditEntry
from zhifa.org.models import OrgNode
from zhifa.org.roles import Role
from zhifa.org.selectors import restrict_to_scope, scope_agency_ids, user_can_see_agency, users_with_role


@pytest.mark.django_db
class TestScope:
    def test_squadron_officer_sees_the_whole_agency_not_the_other(self, world) -> None:
        ids = scope_agency_ids(world.officer_a)
        assert ids == {world.agency_a.id}
        assert not user_can_see_agency(world.officer_a, world.agency_b.id)

    def test_officer_of_b_cannot_see_a(self, world) -> None:
        assert scope_agency_ids(world.officer_b) == {world.agency_b.id}

    def test_supervisor_on_the_city_node_sees_every_agency_of_the_city(self, world) -> None:
        assert scope_agency_ids(world.supervisor) == {world.justice.id, world.agency_a.id, world.agency_b.id}

    def test_user_without_roles_sees_nothing(self, world) -> None:
        assert scope_agency_ids(world.outsider) == frozenset()

    def test_scope_can_be_limited_to_some_roles(self, world) -> None:
        assert scope_agency_ids(world.supervisor, roles=[Role.OFFICER]) == frozenset()

    def test_a_request_users_scope_and_roles_share_one_cache_behind_the_lazy_object(
        self, world, django_assert_num_queries
    ) -> None:
        """request.user is a SimpleLazyObject: what the scope lookup caches must land on the User, where
        role_names() reads it and forget_roles() clears it."""
        from django.utils.functional import SimpleLazyObject

        from zhifa.org.models import User

        user = User.objects.get(pk=world.supervisor.pk)
        lazy = SimpleLazyObject(lambda: user)
        with django_assert_num_queries(2):  # the grants, the agencies under the city node
            assert scope_agency_ids(lazy) == {world.justice.id, world.agency_a.id, world.agency_b.id}
        with django_assert_num_queries(0):
            assert Role.SUPERVISOR in lazy.role_names()
            assert scope_agency_ids(lazy, roles=[Role.SUPERVISOR])
        user.forget_roles()
        with django_assert_num_queries(2):
            scope_agency_ids(lazy)

    def test_restrict_to_scope_filters_records_by_agency(self, world) -> None:
        records = AuditEntry.objects.filter(action="org.node_create")
        visible_a = {e.agency_id for e in restrict_to_scope(records, world.officer_a)}
        assert visible_a == {world.agency_a.id}
        visible_sup = {e.agency_id for e in restrict_to_scope(records, world.supervisor)}
        assert visible_sup == {world.justice.id, world.agency_a.id, world.agency_b.id}

    def test_units_belong_to_their_agency_and_paths_nest(self, world) -> None:
        assert world.squad_a1.agency_id == world.agency_a.id
        assert world.squad_a1.path.startswith(world.agency_a.path)
        assert world.agency_a.path.startswith(world.city.path)
        assert world.city.agency_id is None

    def test_users_with_role_finds_the_approver_of_an_agency(self, world) -> None:
        assert list(users_with_role(Role.APPROVER, agency_id=world.agency_a.id)) == [world.approver_a]
        assert list(users_with_role(Role.SUPERVISOR, agency_id=world.agency_b.id)) == [world.supervisor]

    def test_a_unit_outside_an_agency_is_refused(self, world) -> None:
        from zhifa.core.errors import InvalidInput
        from zhifa.org.services import org_node_create

        with pytest.raises(InvalidInput):
            org_node_create(actor=None, kind=OrgNode.Kind.UNIT, name="悬空", parent=world.city)
