"""The complaint intake's rate limits, counted by the shared fixed-window limiter (`core.ratelimit`)."""

from __future__ import annotations

from zhifa.core.ratelimit import Limit, allow, client_key

# Intake: a citizen rarely files more than a couple of complaints; a script files hundreds.
SUBMIT_LIMITS = (Limit("submit-10m", 5, 600), Limit("submit-1d", 20, 86400))
# Progress lookups: tracking codes carry 40 random bits; this keeps guessing hopeless.
LOOKUP_LIMITS = (Limit("lookup-1m", 30, 60),)
FEEDBACK_LIMITS = (Limit("feedback-10m", 10, 600),)
# 复查/复核 requests online: two per complaint at most, so a handful per address is plenty.
REVIEW_LIMITS = (Limit("review-10m", 5, 600),)

__all__ = [
    "FEEDBACK_LIMITS",
    "LOOKUP_LIMITS",
    "REVIEW_LIMITS",
    "SUBMIT_LIMITS",
    "Limit",
    "allow",
    "client_key",
]
