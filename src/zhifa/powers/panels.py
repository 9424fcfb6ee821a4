"""Home-page panel for administrators: what of the power list needs their attention."""

from __future__ import annotations

from typing import Any

from zhifa.powers.models import PowerItemVersion
from zhifa.powers.selectors import unresolved_provisions


def maintenance_panel(user: Any) -> dict[str, Any] | None:
    drafts = PowerItemVersion.objects.filter(status=PowerItemVersion.Status.DRAFT).count()
    unresolved = unresolved_provisions().count()
    return {"drafts": drafts, "unresolved": unresolved}
