"""Fixed-window rate limits for the public endpoints, kept in a cache of their own
(`settings.RATELIMIT_CACHE`: Redis in production, so every app server counts together; a directory in
var/ shared by the one machine's processes otherwise), apart from the page cache, whose culling must
not reset a counter. Each public intake names its own limits (complaints, inspections' codes,
one-click reconsideration).

The client is REMOTE_ADDR. Behind a reverse proxy, the proxy must pass the client address through
(e.g. nginx `real_ip`), otherwise every citizen shares the proxy's address and its limit.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int


def client_key(request: HttpRequest) -> str:
    addr = request.META.get("REMOTE_ADDR", "") or "unknown"
    return hashlib.sha256(addr.encode()).hexdigest()[:16]  # no raw addresses in the cache


def allow(request: HttpRequest, limits: tuple[Limit, ...]) -> bool:
    """Count this request against every limit; False when any is exceeded (the request is refused)."""
    cache = caches[settings.RATELIMIT_CACHE]
    client = client_key(request)
    now = int(time.time())
    allowed = True
    for limit in limits:
        window = now // limit.seconds
        key = f"rl:{limit.name}:{client}:{window}"
        cache.add(key, 0, timeout=limit.seconds + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=limit.seconds + 5)
            count = 1
        if count > limit.count:
            allowed = False
    return allowed
