from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.security import HttpBearer

from zhifa.core import access
from zhifa.core.api import ErrorOut, Page
from zhifa.core.errors import DomainError
from zhifa.org import selectors
from zhifa.org.models import OrgNode
from zhifa.org.services import (
    api_token_issue,
    api_token_user,
    login_check_allowed,
    login_record_failure,
    login_record_success,
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
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class BadCredentials(DomainError):
    status = 401
    code = "bad_credentials"


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut})
@access.public
def token_obtain(request: HttpRequest, payload: TokenIn) -> TokenOut:
    login_check_allowed(username=payload.username)
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        login_record_failure(username=payload.username)
        raise BadCredentials(_("Wrong username or password."))
    login_record_success(user=user)  # type: ignore[arg-type]
    token, expires_at = api_token_issue(user=user)  # type: ignore[arg-type]
    return TokenOut(token=token, expires_at=expires_at)


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
