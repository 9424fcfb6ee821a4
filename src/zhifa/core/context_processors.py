from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from zhifa.core.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"nav_items": nav_for(user), "site_name": settings.ZHIFA_SITE_NAME}
