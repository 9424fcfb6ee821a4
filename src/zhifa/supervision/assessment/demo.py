"""Demo data, registered in AppConfig.ready(); the step itself is in demo_data.py."""

from __future__ import annotations


def register() -> None:
    from zhifa.core.demo import register_demo_step
    from zhifa.supervision.assessment.demo_data import seed_assessment

    register_demo_step(910, "assessment", seed_assessment)
