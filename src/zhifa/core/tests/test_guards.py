"""Issue 14 findings 4 and 7: no 500 for hostile numbers, bodies or static paths; CSP and no-store."""

from __future__ import annotations

import pytest
from django.test import Client

from zhifa.core.params import int_param

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"


def _client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/public/decisions?agency={HUGE}",
        f"/api/v1/public/decisions?page={HUGE}",
        f"/api/v1/public/decisions?page_size={HUGE}",
        f"/api/v1/public/complaints/x?foo={HUGE}",
        f"/api/v1/public/credentials/{HUGE}",
    ],
)
def test_huge_integers_in_public_api_queries_are_422_in_the_error_format(url: str) -> None:
    response = _client().get(url)
    assert response.status_code in (404, 422), (url, response.status_code)
    body = response.json()
    assert set(body) == {"code", "message", "detail"}


def test_huge_integers_for_signed_in_users(world) -> None:
    client = _client()
    client.force_login(world.supervisor)
    for url in [f"/api/v1/cases?agency={HUGE}", f"/api/v1/evidence?case={HUGE}", f"/api/v1/cases/{HUGE}"]:
        response = client.get(url)
        assert response.status_code == 422, (url, response.status_code)
        assert response.json()["code"] == "validation_error"
    for url in [f"/portal/decisions/?agency={HUGE}", f"/cases/?agency={HUGE}", f"/evidence/?case={HUGE}"]:
        assert client.get(url).status_code < 500, url


def test_int_param_refuses_what_no_column_holds() -> None:
    assert int_param(HUGE) is None
    assert int_param(str(2**63 - 1)) == 2**63 - 1
    assert int_param("-" + HUGE, 5) == 5


def test_a_body_too_big_is_413_in_the_error_format(world) -> None:
    body = b'{"username":"' + b"a" * (3 * 1024 * 1024) + b'","password":"x"}'
    response = _client().post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


@pytest.mark.parametrize(
    "path",
    [
        "/static/../manage.py",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static//etc/passwd",
        "/static/zhifa/%00.css",
        "/static/zhifa/..%5c..%5csettings.py",
        "/static/zhifa/app.css/../../x",
    ],
)
def test_unnormalised_static_paths_are_not_server_errors(path: str) -> None:
    assert _client().get(path).status_code in (400, 404)


def test_csp_everywhere_and_no_store_on_personal_responses(world) -> None:
    client = _client()
    login_page = client.get("/login/")
    assert "default-src 'self'" in login_page["Content-Security-Policy"]
    assert "script-src 'self'" in login_page["Content-Security-Policy"]
    client.force_login(world.officer_a)
    for url in ["/", "/api/v1/agencies"]:
        response = client.get(url)
        assert response["Cache-Control"] == "no-store", url
        assert "Content-Security-Policy" in response


def test_no_template_carries_inline_script() -> None:
    from pathlib import Path

    import zhifa

    root = Path(zhifa.__file__).parent
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if "<script>" in text or " onclick=" in text or " onchange=" in text or " onsubmit=" in text:
            offenders.append(str(template.relative_to(root)))
    assert offenders == []


@pytest.mark.django_db
def test_a_nul_character_is_refused_before_it_reaches_a_query(client) -> None:
    """PostgreSQL refuses NUL in text columns: a hostile username must get a 400, never a 500."""
    from zhifa.org.models import LoginThrottle

    response = client.post(
        "/api/v1/auth/token", {"username": "a\x00b", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_character"
    assert client.get("/api/v1/public/decisions?q=%00").status_code == 400
    assert not LoginThrottle.objects.exists()


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("delete", "/api/v1/public/decisions", ["GET"]),
        ("put", "/api/v1/cases", ["GET", "POST"]),
        ("head", "/api/v1/public/decisions?page=1", ["GET"]),
    ],
)
def test_a_method_an_api_address_does_not_take_is_405_in_the_error_format(method, url, allowed) -> None:
    response = getattr(_client(), method)(url)
    assert response.status_code == 405
    assert sorted(m.strip() for m in response["Allow"].split(",")) == allowed
    if method == "head":  # (no body is sent with an answer to HEAD)
        return
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == "method_not_allowed"
    assert body["detail"] == {"method": method.upper(), "allowed": allowed}
    assert method.upper() in body["message"] and "方法" in body["message"]


def test_a_wrong_method_on_a_page_is_left_to_the_page(client) -> None:
    response = client.delete("/portal/")
    assert response.status_code == 405
    assert not response["Content-Type"].startswith("application/json")
