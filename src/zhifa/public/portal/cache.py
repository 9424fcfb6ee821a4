"""Caching of public pages.

Anonymous reads of the portal are cached whole (body and content type) for a short time, keyed by
path, query string and a *generation* number that every publication or withdrawal increments after
commit. A withdrawn decision therefore disappears from every cached page at once (行政处罚法第四十八条
asks for withdrawal within three working days; we do not want a cache to be the reason it is late),
and pages are rebuilt lazily.

Only requests without a session cookie are served from the cache: a signed-in official previewing the
portal always sees fresh pages, and no page that could carry a user's data is ever shared.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

F = TypeVar("F", bound=Callable[..., HttpResponse])

GENERATION_KEY = "portal:generation"
DEFAULT_TIMEOUT = 300


def _fresh_generation() -> int:
    """A generation no earlier one will meet: a random 56-bit start. The generation key can be lost —
    the file-based cache of `make run` (no Redis) keeps 300 entries and evicts a random third when
    full — and restarting at 1 would make pages cached under an early generation, possibly showing a
    decision withdrawn since, current again. Bumps add 1 to it, so two runs of generations collide
    only with negligible probability (and neither depends on the clock)."""
    return secrets.randbits(56)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        fresh = _fresh_generation()
        cache.add(GENERATION_KEY, fresh, timeout=None)
        value = cache.get(GENERATION_KEY, fresh)
    return int(value)


def bump() -> None:
    """Invalidate every cached public page (call through `bump_on_commit` from services)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # lost (or never read): any fresh value differs from every earlier one
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)


def bump_on_commit() -> None:
    transaction.on_commit(bump)


def _key(request: HttpRequest) -> str:
    raw = f"{request.path}?{request.META.get('QUERY_STRING', '')}"
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"portal:page:{generation()}:{digest}"


def cached_page(timeout: int = DEFAULT_TIMEOUT) -> Callable[[F], F]:
    """Cache a public GET view's 200 responses for anonymous visitors."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            cacheable = (
                request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES
            )
            if not cacheable:
                return view(request, *args, **kwargs)
            key = _key(request)
            hit = cache.get(key)
            if hit is not None:
                body, content_type = hit
                response = HttpResponse(body, content_type=content_type)
                response["X-Portal-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.cookies
                and not getattr(response, "streaming", False)
            ):
                cache.set(key, (response.content, response["Content-Type"]), timeout)
                response["X-Portal-Cache"] = "miss"
            return response

        return wrapper  # type: ignore[return-value]

    return decorator
