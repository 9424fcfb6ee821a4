from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import HttpBearer
from pydantic import Field

from zhifa.core import access
from zhifa.core.api import ErrorOut, Page
from zhifa.core.errors import DomainError
from zhifa.org import selectors
from zhifa.org.auth import login_refusal
from zhifa.org.models import OrgNode
from zhifa.org.services import (
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
    api_token_issue,
    api_token_revoke,
    api_token_user,
)

router = Router(tags=["org"])


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>` from POST /auth/token. Sets request.user for selectors."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(key=token)
        if user is not None:
            request.user = user
        return user


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=MAX_USERNAME_LENGTH)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class BadCredentials(DomainError):
    status = 401
    code = "bad_credentials"


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
@access.public
def token_obtain(request: HttpRequest, payload: TokenIn) -> TokenOut:
    # Lock, per-address limit and audit live in the throttled backend (org.auth), shared with /login/
    # and /admin/login/.
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        refusal = login_refusal(request)
        if refusal is not None:
            raise refusal
        raise BadCredentials(_("Wrong username or password."))
    token, expires_at = api_token_issue(user=user)  # type: ignore[arg-type]
    return TokenOut(token=token, expires_at=expires_at)


@router.delete("/auth/token", auth=BearerAuth(), response={204: None, 401: ErrorOut})
@access.login
def token_revoke(request: HttpRequest) -> Status[None]:
    """Revoke the bearer token this request presents (a client's sign-out)."""
    header = request.headers.get("Authorization", "")
    api_token_revoke(key=header.partition(" ")[2].strip())
    return Status(204, None)


class AgencyOut(Schema):
    id: int
    name: str
    abbreviation: str
    kind: str
    parent: int | None
    agency: int | None

    @staticmethod
    def resolve_parent(obj: OrgNode) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_agency(obj: OrgNode) -> int | None:
        return obj.agency_id


@router.get("/agencies", response=list[AgencyOut])
@paginate(Page)
@access.login
def agency_list(request: HttpRequest, kind: str | None = None) -> object:
    qs = selectors.agency_list()
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/agencies/{node_id}", response={200: AgencyOut, 404: ErrorOut})
@access.login
def agency_detail(request: HttpRequest, node_id: int) -> OrgNode:
    return get_object_or_404(selectors.agency_list(), id=node_id)
