"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from zhifa.core.calendar import calendar_changed
from zhifa.org.factories import PASSWORD, OrgWorld, build_org_world


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    calendar_changed()  # rows of one test must not leak into the next through the year cache
    yield
    calendar_changed()


@pytest.fixture
def world(db: Any) -> OrgWorld:
    return build_org_world()


@pytest.fixture
def login_as(client: Client) -> Any:
    def _login(user: Any) -> Client:
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_token() -> Any:
    """Bearer header for a user, obtained through the real token endpoint."""

    def _token(user: Any) -> dict[str, str]:
        response = Client().post(
            "/api/v1/auth/token",
            {"username": user.username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

    return _token


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    """Playwright driving the machine's Chromium (Debian package, installed by scripts/system-deps.sh)."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        try:
            yield b
        finally:
            b.close()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if not settings.IS_POSTGRES:
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)
