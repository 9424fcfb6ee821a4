"""Administration in the app: an administrator manages accounts, roles and the org tree under the
nodes he administers, in Chinese pages; nobody else reaches them and nobody widens his own powers."""

import pytest
from django.test import Client

from zhifa.core.errors import Forbidden, InvalidInput
from zhifa.org import services
from zhifa.org.factories import make_user
from zhifa.org.models import OrgNode, RoleGrant, User
from zhifa.org.roles import Role


@pytest.fixture
def agency_admin(world):
    """An administrator of agency A only."""
    return make_user(
        "admin_a", node=world.agency_a, roles=[(Role.ADMIN, world.agency_a)], full_name="甲管理员"
    )


@pytest.mark.django_db
class TestPages:
    def test_the_city_admin_creates_an_account_and_grants_a_role(self, world, client: Client) -> None:
        client.force_login(world.admin)
        assert "账号与角色" in client.get("/manage/").content.decode()
        response = client.post(
            "/manage/users/new/",
            {
                "full_name": "新同事",
                "username": "newbie",
                "password": "Zh1fa-long-password",
                "node": world.squad_a1.pk,
            },
        )
        user = User.objects.get(username="newbie")
        assert response.status_code == 302 and user.node == world.squad_a1 and user.full_name == "新同事"
        client.post(
            f"/manage/users/{user.pk}/grants/", {"role": Role.OFFICER, "grant_node": world.squad_a1.pk}
        )
        assert user.has_role(Role.OFFICER)
        body = client.get(f"/manage/users/{user.pk}/").content.decode()
        assert "执法人员" in body and "一中队" in body

    def test_a_weak_password_is_refused_in_place(self, world, client: Client) -> None:
        client.force_login(world.admin)
        response = client.post(
            "/manage/users/new/",
            {"full_name": "新同事", "username": "newbie", "password": "123", "node": world.squad_a1.pk},
        )
        assert response.status_code == 400 and not User.objects.filter(username="newbie").exists()
        assert "field-error" in response.content.decode()

    def test_others_cannot_open_the_pages(self, world, client: Client) -> None:
        client.force_login(world.approver_a)
        assert client.get("/manage/users/").status_code == 403

    def test_an_agency_admin_sees_and_manages_only_his_agency(
        self, world, agency_admin, client: Client
    ) -> None:
        client.force_login(agency_admin)
        body = client.get("/manage/users/").content.decode()
        assert "张三" in body and "王五" not in body  # officer_b works in agency B
        assert client.get(f"/manage/users/{world.officer_b.pk}/").status_code == 404
        assert client.get(f"/manage/org/{world.agency_b.pk}/").status_code == 404
        response = client.post(
            f"/manage/org/{world.squad_a1.pk}/", {"action": "edit", "name": "东城一中队", "is_active": "on"}
        )
        assert response.status_code == 302
        assert OrgNode.objects.get(pk=world.squad_a1.pk).name == "东城一中队"

    def test_the_org_tree_adds_a_unit(self, world, client: Client) -> None:
        client.force_login(world.admin)
        client.post(
            f"/manage/org/{world.agency_a.pk}/", {"action": "add_child", "kind": "unit", "name": "三中队"}
        )
        unit = OrgNode.objects.get(name="三中队")
        assert unit.agency_id == world.agency_a.pk and unit.parent_id == world.agency_a.pk


@pytest.mark.django_db
class TestRules:
    def test_no_one_grants_himself_a_role(self, world, agency_admin) -> None:
        with pytest.raises(Forbidden):
            services.role_grant_by_admin(
                actor=agency_admin, user=agency_admin, role=Role.APPROVER, node=world.agency_a
            )

    def test_an_agency_admin_cannot_grant_on_another_agency(self, world, agency_admin) -> None:
        with pytest.raises(Forbidden):
            services.role_grant_by_admin(
                actor=agency_admin, user=world.officer_a, role=Role.OFFICER, node=world.agency_b
            )
        assert not RoleGrant.objects.filter(user=world.officer_a, node=world.agency_b).exists()

    def test_an_admin_cannot_switch_himself_off(self, world) -> None:
        with pytest.raises(InvalidInput):
            services.user_update(actor=world.admin, user=world.admin, data={"is_active": False})

    def test_an_agency_keeps_its_abbreviation(self, world) -> None:
        with pytest.raises(InvalidInput):
            services.org_node_update(actor=world.admin, node=world.agency_a, data={"abbreviation": ""})
