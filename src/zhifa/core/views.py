from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from zhifa.core import access


@access.public
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


@access.public
@csrf_exempt  # API clients send no CSRF token; this view reads nothing and changes nothing
def api_not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Unknown API paths answer in the API's error format, not with an HTML page."""
    from django.utils.translation import gettext as _

    return JsonResponse(
        {"code": "not_found", "message": _("No such API endpoint."), "detail": {"path": request.path}},
        status=404,
    )
