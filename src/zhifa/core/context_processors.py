from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from zhifa.core.navigation import nav_html


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "nav_html": nav_html(user, request.path),  # base.html's bar (the entries: navigation.nav_for)
        "site_name": settings.ZHIFA_SITE_NAME,
    }
