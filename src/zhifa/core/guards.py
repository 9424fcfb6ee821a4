"""Request guards and response headers that apply to every view (docs/security.md).

- `RequestGuardMiddleware`: integers that no database column can hold (beyond signed 64 bits) in the
  query string or the path are refused up front — 422 in the API's error format under /api/, a 422
  page elsewhere — instead of reaching the ORM (SQLite raises OverflowError on them). A body larger
  than DATA_UPLOAD_MAX_MEMORY_SIZE (Content-Length) is refused with 413 before anything reads it;
  chunked bodies are caught where Django raises RequestDataTooBig (core.api's handler).
- `SecurityHeadersMiddleware`: a Content-Security-Policy on every response (no CDN, no inline
  script), and `Cache-Control: no-store` on every response that is not a static file or a public page
  — responses to signed-in users and the API carry personal data and must not sit in a browser's or
  proxy's cache.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zhifa.core import api_json

INT64_MAX = 2**63 - 1
_INTEGER = re.compile(r"^[+-]?\d+$")
_PATH_INTEGER = re.compile(r"(?<![\w.-])\d{19,}(?![\w.-])")


def int_too_large(value: str) -> bool:
    value = value.strip()
    return bool(_INTEGER.match(value)) and abs(int(value)) > INT64_MAX


def _error(
    request: HttpRequest, status: int, code: str, message: str, detail: dict[str, Any]
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_json.response({"code": code, "message": message, "detail": detail}, status=status)
    return render(request, "400.html", {"message": message}, status=status)


def _has_nul(body: bytes) -> bool:
    """A raw NUL byte, a JSON escape of it or a form-encoded one (%00)."""
    return b"\x00" in body or b"\\u0000" in body or b"%00" in body


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, values in request.GET.lists():
            for value in values:
                if len(value) > 18 and int_too_large(value):
                    return _error(
                        request,
                        422,
                        "validation_error",
                        _("A number in the request is too large."),
                        {
                            "errors": [
                                {"loc": ["query", key], "msg": "integer out of range", "type": "int_range"}
                            ]
                        },
                    )
        for match in _PATH_INTEGER.finditer(request.path):
            if int(match.group()) > INT64_MAX:
                return _error(
                    request,
                    422,
                    "validation_error",
                    _("A number in the request is too large."),
                    {"errors": [{"loc": ["path"], "msg": "integer out of range", "type": "int_range"}]},
                )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        content_type = request.META.get("CONTENT_TYPE", "")
        # Multipart uploads stream to disk and resumable chunks (application/offset+octet-stream) are
        # read in bounded parts into the database (evidence.uploads), each bounded by the upload's
        # declared size; only bodies read into memory are bounded here.
        streamed = content_type.startswith(("multipart/", "application/offset+octet-stream"))
        if limit is not None and length > limit and not streamed:
            return _error(request, 413, "too_large", _("The request is too large."), {"limit": limit})
        # A NUL character is never meaningful in the platform's text, and PostgreSQL refuses it in text
        # columns (a 500 on any field that reaches a query): refuse it up front, on every backend.
        if "\x00" in request.META.get("QUERY_STRING", "").replace("%00", "\x00") or (
            not streamed and length and _has_nul(request.body)
        ):
            return _error(request, 400, "invalid_character", _("The request contains a NUL character."), {})
        response = self.get_response(request)
        if response.status_code == 405 and request.path.startswith("/api/"):
            return _method_not_allowed(request, response)
        return response


def _method_not_allowed(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """ninja answers a method an operation does not take with a plain-text "Method not allowed": the
    API's refusal instead (docs/api.md, errors), with the methods the path takes, in `Allow` too."""
    if response.get("Content-Type", "").startswith("application/json"):
        return response
    allowed = sorted({m.strip() for m in response.get("Allow", "").split(",") if m.strip()})
    refusal = _error(
        request,
        405,
        "method_not_allowed",
        _("This address does not take the method %(method)s.") % {"method": request.method},
        {"method": request.method, "allowed": allowed},
    )
    if allowed:
        refusal["Allow"] = ", ".join(allowed)
    return refusal


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # htmx sets style attributes for its indicators
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", getattr(settings, "ZHIFA_CSP", CSP))
        if not request.path.startswith(settings.STATIC_URL):
            # A response built without reading the session cannot hold the signed-in user's data
            # (the user is read from the session), so the session is not loaded just to ask: the
            # public portal's pages cost no session query for a visitor who carries a cookie.
            session = getattr(request, "session", None)
            user = getattr(request, "user", None) if session is None or session.accessed else None
            personal = request.path.startswith("/api/") or bool(user and user.is_authenticated)
            if personal:
                response.headers["Cache-Control"] = "no-store"
                response.headers["Pragma"] = "no-cache"
        return response
