"""Public pages: the credential check reached by number or by the QR code on an officer's card."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from zhifa.core import access
from zhifa.officers.public import public_credential
from zhifa.officers.selectors import credential_public_get


@access.public
@require_GET
def check_search(request: HttpRequest) -> HttpResponse:
    """事中公示: type the number printed on the credential."""
    number = (request.GET.get("number") or "").strip()
    if number:
        credential = credential_public_get(number=number)
        if credential is not None:
            return redirect("officers:check", number=credential.number)
        return render(request, "officers/check.html", {"number": number, "not_found": True}, status=404)
    return render(request, "officers/check.html", {"number": ""})


@access.public
@require_GET
def check(request: HttpRequest, number: str) -> HttpResponse:
    """What the QR code on the card points to."""
    credential = credential_public_get(number=number)
    if credential is None:
        return render(request, "officers/check.html", {"number": number, "not_found": True}, status=404)
    return render(
        request, "officers/check.html", {"number": credential.number, "result": public_credential(credential)}
    )


@access.public
@require_GET
def check_photo(request: HttpRequest, number: str) -> HttpResponseBase:
    """The holder's photo, for the public check page only (served by us: media is not public)."""
    credential = credential_public_get(number=number)
    if credential is None or not credential.officer.photo:
        raise Http404
    from zhifa.officers.views import photo_response

    return photo_response(credential.officer)
