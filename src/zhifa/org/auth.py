"""The one sign-in gate: every path that checks a password (the login page, the Django admin's login,
the API token endpoint) calls `django.contrib.auth.authenticate`, which lands here. So lockout, length
bounds and the audit entries cannot be bypassed by a path that forgot to call them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from zhifa.core.prepared import Prepared
from zhifa.org.models import User
from zhifa.org.services import (
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
    LoginLocked,
    login_check_allowed,
    login_record_failure,
    login_record_refused,
    login_record_success,
)

REFUSAL_ATTRIBUTE = "zhifa_login_refusal"


def client_address(request: HttpRequest | None) -> str:
    """REMOTE_ADDR. Behind a front server, that server must set it (not X-Forwarded-For, which a
    client can forge) — see docs/security.md."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def login_refusal(request: HttpRequest) -> LoginLocked | None:
    """The lock that refused the last authenticate() on this request, to show its message."""
    return getattr(request, REFUSAL_ATTRIBUTE, None)


# The signed-in user of every page request (django.contrib.auth's get_user), compiled once per process.
_USER_BY_PK: Prepared[User] = Prepared(lambda pk: User.objects.filter(pk=pk), markers=(-730_100_011,))


class ThrottledBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """ModelBackend.get_user through a prepared query: the same row, the same is_active check."""
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _USER_BY_PK.first(pk)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not username or password is None:
            return None
        if len(username) > MAX_USERNAME_LENGTH or len(password) > MAX_PASSWORD_LENGTH:
            return None  # refused before anything is stored or hashed
        address = client_address(request)
        path = request.path if request is not None else ""
        try:
            login_check_allowed(username=username, address=address)
        except LoginLocked as exc:
            login_record_refused(username=username, address=address, path=path)
            if request is not None:
                setattr(request, REFUSAL_ATTRIBUTE, exc)
            raise PermissionDenied from exc  # authenticate() stops: no other backend is tried
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_record_failure(username=username, address=address, path=path)
            try:  # the failure that locks says so at once
                login_check_allowed(username=username, address=address)
            except LoginLocked as exc:
                if request is not None:
                    setattr(request, REFUSAL_ATTRIBUTE, exc)
            return None
        login_record_success(user=user, address=address, path=path)
        return user
