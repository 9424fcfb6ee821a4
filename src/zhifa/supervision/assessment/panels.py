"""The home-page panel: the self-checks the user's agency owes and the agencies the user assesses."""

from __future__ import annotations

from typing import Any

from zhifa.supervision.assessment import selectors


def home_panel(user: Any) -> dict[str, Any] | None:
    self_checks = [p for p in selectors.self_checks_for(user) if p.state != "submitted"]
    work = selectors.worklist_for(user)
    if not self_checks and not work:
        return None
    return {"self_checks": self_checks[:5], "work": work[:5]}
