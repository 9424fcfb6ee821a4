"""A backing service is down: answer 503 with Retry-After instead of a 500 (docs/deployment.md, "Faults").

Django calls `handler500` while the exception is being handled, so the exception is at hand here. When
it is a lost connection to the database or to Redis (cache, rate limits, task queue), the server is
not broken and nothing was half-written (each write is one transaction, rolled back with the lost
connection): the client is told to come back shortly. Load balancers and the resumable-upload client
retry on 503. Every other error keeps Django's plain 500 page.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from zhifa.core import api_json

RETRY_AFTER_SECONDS = 10


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        import redis.exceptions

        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    except ImportError:  # pragma: no cover — redis is a dependency
        pass
    return tuple(errors)


def is_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, _unavailable_errors())


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_unavailable(sys.exc_info()[1]):
        return defaults.server_error(request)
    message = _(
        "The service is briefly unavailable (a database or queue is restarting). Try again in a few seconds; nothing was saved from this request."
    )
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = api_json.response({"code": "unavailable", "message": message, "detail": {}}, status=503)
    else:
        # No request context: context processors would query the database that is down.
        html = loader.render_to_string("503.html", {"message": message})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
