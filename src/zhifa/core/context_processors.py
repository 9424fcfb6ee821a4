from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from zhifa.core.navigation import nav_for, nav_html


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        # base.html draws the bar from nav_html; the entries themselves only when a template asks
        "nav_items": SimpleLazyObject(lambda: nav_for(user)),
        "nav_html": nav_html(user, request.path),
        "site_name": settings.ZHIFA_SITE_NAME,
    }
