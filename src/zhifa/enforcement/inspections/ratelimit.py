"""Fixed-window limits for the public inspection-code endpoints, counted in the shared cache (Redis in
production, so every app server counts together). The client is REMOTE_ADDR, hashed: no raw
addresses are kept, which also keeps a rating anonymous."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest

# (name, count, seconds). Codes carry 50 random bits; lookups are limited so guessing stays hopeless;
# an enterprise rates once per inspection, a script rating hundreds is stopped.
LOOKUP = (("insp-lookup-1m", 30, 60),)
RATING = (("insp-rate-10m", 5, 600), ("insp-rate-1d", 20, 86400))


def allow(request: HttpRequest, limits: tuple[tuple[str, int, int], ...]) -> bool:
    client = hashlib.sha256((request.META.get("REMOTE_ADDR", "") or "unknown").encode()).hexdigest()[:16]
    now = int(time.time())
    allowed = True
    for name, count, seconds in limits:
        key = f"rl:{name}:{client}:{now // seconds}"
        cache.add(key, 0, timeout=seconds + 5)
        try:
            value = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds + 5)
            value = 1
        if value > count:
            allowed = False
    return allowed
