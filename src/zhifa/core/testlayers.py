"""A layer of shared test data: what `zhifa.core.testdata` builds once per test process. Kept apart from
the pytest plumbing so the factories that define layers (imported by the demo seeding of `make run`) do not
import pytest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, eq=False)
class Layer:
    """Rows and objects built once and shared: `build` receives the objects of the layers below (by
    key) and returns this layer's. `clock`: built with the clock stopped at that moment; None builds under
    the process's clock (the real one, or ZHIFA_TEST_TODAY's). Layers with the same key are the same rows
    (e.g. the case kit of every app that freezes 30 June 2025)."""

    key: str
    build: Callable[[dict[str, Any]], Any]
    below: Layer | None = None
    clock: dt.datetime | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Layer) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def stack(self) -> tuple[Layer, ...]:
        """This layer and those below it, the bottom first."""
        return (*(self.below.stack() if self.below else ()), self)
