"""Demo data registry. Each app adds a step (`register_demo_step`) in its AppConfig.ready(); seed_demo
runs them in order inside one transaction, driving the real services. Steps share a context dict
(e.g. ctx["agencies"]["cgj"]) so later domains can build on earlier ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    run: Callable[[dict[str, Any]], None]


STEPS: list[DemoStep] = []


def register_demo_step(order: int, name: str, run: Callable[[dict[str, Any]], None]) -> None:
    if all(s.name != name for s in STEPS):
        STEPS.append(DemoStep(order, name, run))


def steps() -> list[DemoStep]:
    return sorted(STEPS, key=lambda s: s.order)
