"""Demo data: a finished review campaign over the demo cases (dates in the past)."""

from __future__ import annotations

from typing import Any


def register() -> None:
    from zhifa.core.demo import register_demo_step

    register_demo_step(900, "reviews", seed_reviews)


def seed_reviews(ctx: dict[str, Any]) -> None:
    from zhifa.supervision.reviews.services import rubric_default

    rubric_default()
