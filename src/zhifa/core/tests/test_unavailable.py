"""A backing service down: a clear 503 with Retry-After, nothing written, and recovery after it."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

from zhifa.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _database_down(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 port 5432 failed: Connection refused")

    monkeypatch.setattr(connection, "_cursor", refuse)


def test_database_down_gives_503_on_pages_and_api_then_recovers(world, monkeypatch) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.officer_a)
    before = AuditEntry.objects.count()
    with monkeypatch.context() as patch:
        _database_down(patch)
        page = client.get("/")  # the session is read from the database
        api = client.post(
            "/api/v1/auth/token", {"username": "officer_a", "password": "x"}, content_type="application/json"
        )
    assert page.status_code == 503 and page["Retry-After"] == "10"
    assert "暂时不可用" in page.content.decode()
    assert api.status_code == 503 and api.json()["code"] == "unavailable"
    assert AuditEntry.objects.count() == before  # nothing half-written
    assert client.get("/").status_code == 200  # and it recovers by itself


@override_settings(
    CACHES={  # as settings.py configures them with REDIS_URL, on a Redis that is down
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "KEY_PREFIX": prefix,
        }
        for alias, prefix in (("default", "zhifa"), ("ratelimit", "zhifa-rl"))
    }
)
def test_redis_down_gives_503_where_the_cache_is_needed(world) -> None:
    from django.core.cache import caches

    caches._settings = None  # type: ignore[attr-defined]
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/public/complaints/ABCD2345EFGH")
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "10" and response.json()["code"] == "unavailable"
