import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings

from zhifa.org.factories import PASSWORD
from zhifa.org.models import LoginThrottle


@pytest.mark.django_db
class TestLogin:
    def test_login_page_is_in_chinese(self, client: Client) -> None:
        body = client.get("/login/").content.decode()
        assert "登录" in body

    def test_correct_password_signs_in_and_shows_the_home_page(self, client: Client, world) -> None:
        response = client.post("/login/", {"username": "officer_a", "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/"
        home = client.get("/").content.decode()
        assert "张三" in home and "测试市城市管理局" in home

    def test_wrong_password_is_refused_with_a_message(self, client: Client, world) -> None:
        response = client.post("/login/", {"username": "officer_a", "password": "wrong"})
        assert response.status_code == 400
        assert "用户名或密码错误" in response.content.decode()

    @override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
    def test_repeated_failures_lock_the_account_even_for_the_right_password(
        self, client: Client, world
    ) -> None:
        for _ in range(3):
            client.post("/login/", {"username": "officer_a", "password": "wrong"})
        response = client.post("/login/", {"username": "officer_a", "password": PASSWORD})
        assert response.status_code == 400
        assert "锁定" in response.content.decode()
        assert "_auth_user_id" not in client.session

    @override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
    def test_the_lock_expires(self, client: Client, world) -> None:
        for _ in range(3):
            client.post("/login/", {"username": "officer_a", "password": "wrong"})
        assert LoginThrottle.objects.get(username="officer_a").locked_until is not None
        with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=16)):
            response = client.post("/login/", {"username": "officer_a", "password": PASSWORD})
        assert response.status_code == 302

    def test_anonymous_users_are_sent_to_the_login_page(self, client: Client) -> None:
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_logout_requires_post(self, client: Client, world) -> None:
        client.force_login(world.officer_a)
        assert client.get("/logout/").status_code == 405
        assert client.post("/logout/").status_code == 302

    def test_open_redirects_are_ignored(self, client: Client, world) -> None:
        response = client.post(
            "/login/?next=https://evil.example/", {"username": "officer_a", "password": PASSWORD}
        )
        assert response["Location"] == "/"

    @override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
    def test_passwords_are_hashed_with_argon2(self, world) -> None:
        world.outsider.set_password("another-long-password")
        assert world.outsider.password.startswith("argon2")


@pytest.mark.django_db
class TestApiToken:
    def test_token_then_bearer_access(self, client: Client, world, api_token) -> None:
        headers = api_token(world.officer_a)
        response = client.get("/api/v1/agencies", **headers)
        assert response.status_code == 200
        assert response.json()["count"] == 8

    def test_bad_credentials_answer_in_the_error_format(self, client: Client, world) -> None:
        response = client.post(
            "/api/v1/auth/token", {"username": "officer_a", "password": "x"}, content_type="application/json"
        )
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == "bad_credentials" and body["message"] == "用户名或密码错误。"

    def test_no_token_is_401_in_the_error_format(self, client: Client, world) -> None:
        response = client.get("/api/v1/agencies")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_expired_token_is_refused(self, client: Client, world, api_token) -> None:
        headers = api_token(world.officer_a)
        with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=13)):
            assert client.get("/api/v1/agencies", **headers).status_code == 401
