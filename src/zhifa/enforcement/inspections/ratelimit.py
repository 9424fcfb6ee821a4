"""Limits for the public inspection-code endpoints, counted by the shared fixed-window limiter
(`core.ratelimit`: the client address hashed, so no raw addresses are kept, which also keeps a rating
anonymous)."""

from __future__ import annotations

from zhifa.core.ratelimit import Limit, allow

# Codes carry 50 random bits; lookups are limited so guessing stays hopeless; an enterprise rates once
# per inspection, a script rating hundreds is stopped.
LOOKUP = (Limit("insp-lookup-1m", 30, 60),)
RATING = (Limit("insp-rate-10m", 5, 600), Limit("insp-rate-1d", 20, 86400))

__all__ = ["LOOKUP", "RATING", "Limit", "allow"]
