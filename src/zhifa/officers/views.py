"""Staff pages for officers and credentials (admins manage; supervisors and approvers read)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from zhifa.core import access
from zhifa.officers.models import Officer
from zhifa.officers.selectors import officer_get_for
from zhifa.officers.validators import photo_content_type


@access.login
@require_GET
def photo(request: HttpRequest, officer_id: int) -> HttpResponseBase:
    officer = officer_get_for(user=request.user, officer_id=officer_id)
    if officer is None or not officer.photo:
        raise Http404
    return photo_response(officer)


def photo_response(officer: Officer) -> HttpResponseBase:
    """Photos are served through views (not MEDIA_URL): media is not public in production."""
    response = FileResponse(officer.photo.open("rb"), content_type=photo_content_type(officer.photo.name))
    response["Cache-Control"] = "private, max-age=300"
    return response
