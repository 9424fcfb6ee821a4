"""The rate-limit counters survive a full page cache: they live in a cache of their own."""

from __future__ import annotations

from pathlib import Path

from django.core.cache import cache
from django.test import RequestFactory, override_settings

from zhifa.core.ratelimit import Limit, allow

LIMIT = (Limit("test-1h", 3, 3600),)


def _file_caches(root: Path) -> dict[str, dict[str, object]]:
    # As `make run` configures them (no Redis): two directories; the page cache with Django's default
    # bound (300 entries, a third culled at random when full).
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(root / "cache"),
        },
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(root / "ratelimit"),
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        },
    }


def test_a_full_page_cache_does_not_reset_a_clients_count(tmp_path: Path) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    with override_settings(CACHES=_file_caches(tmp_path), RATELIMIT_CACHE="ratelimit"):
        assert [allow(request, LIMIT) for _ in range(3)] == [True, True, True]
        for n in range(900):  # three times the page cache's bound: it culls several times
            cache.set(f"page:{n}", b"x" * 10)
        assert len(list((tmp_path / "cache").iterdir())) < 900  # it did cull
        assert allow(request, LIMIT) is False  # the fourth request in the hour is still the fourth
        other = RequestFactory().get("/", REMOTE_ADDR="203.0.113.8")
        assert allow(other, LIMIT) is True


def test_the_window_counts_each_client_apart() -> None:
    first = RequestFactory().get("/", REMOTE_ADDR="198.51.100.1")
    second = RequestFactory().get("/", REMOTE_ADDR="198.51.100.2")
    assert [allow(first, LIMIT) for _ in range(4)] == [True, True, True, False]
    assert allow(second, LIMIT) is True
