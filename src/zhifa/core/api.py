"""API plumbing shared by every app's router: auth, the error format, pagination, access checks."""

from __future__ import annotations

import json
import typing
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PaginationBase
from ninja.params.models import BodyModel
from pydantic import BaseModel, Field

from zhifa.core.errors import DomainError

MAX_PAGE_SIZE = 200


def session_auth(request: HttpRequest) -> Any:
    """Signed-in browser sessions (pages calling the API, the docs page). GET only, so no CSRF hole."""
    user = getattr(request, "user", None)
    if request.method in ("GET", "HEAD") and user is not None and user.is_authenticated:
        return user
    return None


def _event_tag(request: HttpRequest) -> str:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, RequestDataTooBig):
        return ""
    return str(body.get("event", "")) if isinstance(body, dict) else ""


def error_body(code: str, message: str, detail: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "detail": detail or {}}


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, exc.status, exc.as_dict())

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        for e in exc.errors:
            kind = e.get("type", "")
            loc = [str(x) for x in e.get("loc", [])]
            if kind == "extra_forbidden":
                # shared/API.md: a field the operation does not know is refused, never dropped.
                path = loc[2:] if loc[:1] == ["body"] and len(loc) > 2 else loc[-1:]
                if len(path) > 1 and path[0] == _event_tag(request):
                    path = path[1:]  # a discriminated union puts the event's name in the location
                field = ".".join(path)
                return respond(
                    request,
                    400,
                    error_body(
                        "unknown_field",
                        _("Unknown field %(field)s: this operation does not take it.") % {"field": field},
                        {"field": field},
                    ),
                )
            if kind in ("union_tag_invalid", "union_tag_not_found"):
                ctx = e.get("ctx") or {}
                return respond(
                    request,
                    400,
                    error_body(
                        "unknown_event",
                        _("Unknown event."),
                        {
                            "field": "event",
                            "event": str(ctx.get("tag", "")),
                            "expected": str(ctx.get("expected_tags", "")),
                        },
                    ),
                )
        errors = [
            {
                "loc": [str(x) for x in e.get("loc", [])],
                "msg": str(e.get("msg", "")),
                "type": e.get("type", ""),
            }
            for e in exc.errors
        ]
        first = errors[0]["loc"] if errors else []
        # The first offending field by name, as the services' own 400s give it (detail.field).
        field = ".".join(first[1:] if first[:1] in (["body"], ["query"], ["path"]) else first)
        if first[:2] and first[0] == "body" and len(first) > 2 and first[1] == "payload":
            field = ".".join(first[2:])
        return respond(
            request,
            422,
            error_body(
                "validation_error", _("The request data is not valid."), {"errors": errors, "field": field}
            ),
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, error_body("not_authenticated", _("Please sign in first.")))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, error_body("forbidden", _("You do not have permission to do this.")))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("not_found", _("Not found, or not visible to you.")))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, error_body("too_large", _("The request is too large.")))

    @api.exception_handler(OverflowError)
    def overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # A number the database cannot hold (SQLite's 64-bit INTEGER) that got past the schema.
        return respond(
            request,
            422,
            error_body(
                "validation_error",
                _("A number in the request is too large."),
                {"errors": [{"loc": [], "msg": "integer out of range", "type": "int_range"}]},
            ),
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        known = {
            400: ("bad_request", _("The request could not be read (malformed JSON or form data).")),
            401: ("not_authenticated", _("Please sign in first.")),
            403: ("forbidden", _("You do not have permission to do this.")),
            404: ("not_found", _("Not found, or not visible to you.")),
            405: ("method_not_allowed", _("This method is not allowed here.")),
            409: ("conflict", _("The current state does not allow this.")),
            413: ("too_large", _("The request is too large.")),
            429: ("too_many_requests", _("Too many requests; please try again later.")),
        }
        code, message = known.get(exc.status_code, ("error", str(exc.message)))
        return respond(request, exc.status_code, error_body(code, str(message), {"reason": str(exc.message)}))


class Page(PaginationBase):
    """`?page=&page_size=` (max 200) → {"count", "results"} as API.md says."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=10**9)
        page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        count: int
        results: list[Any]

    items_attribute: str = "results"

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest | None = None, **params: Any
    ) -> dict[str, Any]:
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "count": self._items_count(queryset),
            "results": list(queryset[offset : offset + pagination.page_size]),
        }


class ErrorOut(Schema):
    code: str
    message: str
    detail: dict[str, Any] = {}


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
        for field in annotation.model_fields.values():
            found.extend(_models_in(field.annotation))
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def forbid_unknown_fields(api: NinjaAPI) -> list[str]:
    """Every request body schema refuses fields it does not declare (shared/API.md: 400
    `unknown_field`, never silently dropped). Applied once over the mounted routers, so an app cannot
    forget it; returns the schemas changed (for the test)."""
    changed: list[str] = []
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for param_model in getattr(operation, "models", []):
                    if not issubclass(param_model, BodyModel):
                        continue
                    inner: list[type[BaseModel]] = []
                    for field in param_model.model_fields.values():
                        inner.extend(_models_in(field.annotation))
                    for model in reversed(inner):  # innermost first
                        if model.model_config.get("extra") != "forbid":
                            model.model_config["extra"] = "forbid"
                            changed.append(model.__name__)
                        model.model_rebuild(force=True)
                    param_model.model_rebuild(force=True)
    return changed
