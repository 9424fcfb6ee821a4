"""Issue 14, findings 1 and 5: every sign-in path is throttled and audited; the token endpoint is
bounded, limited per address, cannot be used to lock a known user out, and tokens can be revoked."""

from __future__ import annotations

from django.core.management import call_command
from django.test import Client, override_settings

from zhifa.audit.models import AuditEntry
from zhifa.org.factories import PASSWORD
from zhifa.org.models import ApiToken, LoginThrottle

ATTACKER = "203.0.113.9"
OFFICE = "10.1.2.3"


def _client(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _admin_login(client: Client, username: str, password: str) -> int:
    response = client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
    return response.status_code


@override_settings(LOGIN_MAX_FAILURES=3)
def test_admin_login_counts_failures_and_a_locked_account_cannot_sign_in_there(world) -> None:
    client = _client(ATTACKER)
    for _ in range(3):
        assert _admin_login(client, "admin", "wrong") == 200  # the admin form re-renders
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "锁定" in response.content.decode()


@override_settings(LOGIN_MAX_FAILURES=3)
def test_a_lock_earned_on_the_login_page_holds_on_the_admin_login(world) -> None:
    client = _client(ATTACKER)
    for _ in range(3):
        client.post("/login/", {"username": "admin", "password": "wrong"})
    client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    assert "_auth_user_id" not in client.session


def test_admin_sign_in_success_and_failure_are_audited(world) -> None:
    client = _client(OFFICE)
    _admin_login(client, "admin", "wrong")
    failed = AuditEntry.objects.filter(action="org.login_failed").last()
    assert failed is not None and failed.summary["path"] == "/admin/login/"
    assert failed.summary["address"] == OFFICE
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    ok = AuditEntry.objects.filter(action="org.login").last()
    assert ok is not None and ok.summary["path"] == "/admin/login/"


@override_settings(LOGIN_MAX_FAILURES=3)
def test_an_attacker_cannot_lock_a_known_user_out_of_their_own_address(world) -> None:
    attacker = _client(ATTACKER)
    for _ in range(5):
        attacker.post(
            "/api/v1/auth/token", {"username": "officer_a", "password": "x"}, content_type="application/json"
        )
    locked = attacker.post(
        "/api/v1/auth/token", {"username": "officer_a", "password": PASSWORD}, content_type="application/json"
    )
    assert locked.status_code == 403 and locked.json()["code"] == "login_locked"
    office = _client(OFFICE).post(
        "/api/v1/auth/token", {"username": "officer_a", "password": PASSWORD}, content_type="application/json"
    )
    assert office.status_code == 200


@override_settings(LOGIN_ADDRESS_MAX_FAILURES=4)
def test_one_address_guessing_many_usernames_is_locked(world) -> None:
    attacker = _client(ATTACKER)
    for name in ["a1", "a2", "a3", "a4"]:
        attacker.post(
            "/api/v1/auth/token", {"username": name, "password": "x"}, content_type="application/json"
        )
    response = attacker.post(
        "/api/v1/auth/token", {"username": "officer_a", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "login_locked"


@override_settings(LOGIN_MAX_FAILURES=3)
def test_unlock_command_lifts_the_lock(world) -> None:
    attacker = _client(ATTACKER)
    for _ in range(3):
        attacker.post("/login/", {"username": "officer_a", "password": "wrong"})
    assert LoginThrottle.objects.filter(username="officer_a", locked_until__isnull=False).exists()
    call_command("login_unlock", "officer_a")
    assert not LoginThrottle.objects.filter(username="officer_a").exists()
    assert attacker.post("/login/", {"username": "officer_a", "password": PASSWORD}).status_code == 302
    assert AuditEntry.objects.filter(action="org.login_unlock").exists()


def test_token_endpoint_bounds_lengths_and_stores_nothing(world) -> None:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "u" * 2_000_000, "password": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert not LoginThrottle.objects.filter(username__startswith="uuu").exists()
    too_long_password = Client().post(
        "/api/v1/auth/token",
        {"username": "officer_a", "password": "p" * 5000},
        content_type="application/json",
    )
    assert too_long_password.status_code == 422


def test_delete_token_revokes_it(world, api_token) -> None:
    headers = api_token(world.officer_a)
    client = Client()
    assert client.get("/api/v1/agencies", **headers).status_code == 200
    assert client.delete("/api/v1/auth/token", **headers).status_code == 204
    assert client.get("/api/v1/agencies", **headers).status_code == 401


def test_logout_revokes_the_users_tokens(world, api_token) -> None:
    headers = api_token(world.officer_a)
    client = Client()
    client.force_login(world.officer_a)
    client.post("/logout/")
    assert not ApiToken.objects.filter(user=world.officer_a).exists()
    assert Client().get("/api/v1/agencies", **headers).status_code == 401
