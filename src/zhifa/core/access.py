"""Deny by default: every page and API operation declares who may use it.

Decorate views with `@public`, `@login` or `@roles(Role.X, ...)`. The middleware refuses (403) any view
that carries no declaration, and `tests/test_access_coverage.py` fails when a URL pattern or an API
operation lacks one. Framework views that authorise themselves (Django admin, the ninja dispatcher,
whose operations are checked one by one) are listed in FRAMEWORK_VIEW_MODULES with the reason.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

F = TypeVar("F", bound=Callable[..., Any])

ATTR = "_zhifa_access"

# Modules whose views do their own authorisation; listed, not assumed.
FRAMEWORK_VIEW_MODULES = (
    "django.contrib.admin",  # admin_view() requires an active staff user
    "django.contrib.auth.admin",
    "ninja",  # the API dispatcher: each operation is declared and tested individually
    "django.views.static",  # media in DEBUG only
    "django.contrib.staticfiles",
)


@dataclass(frozen=True)
class Access:
    kind: str  # "public" | "login" | "roles"
    roles: frozenset[str] = frozenset()

    def describe(self) -> str:
        return self.kind if self.kind != "roles" else "roles:" + ",".join(sorted(self.roles))


def get_access(view: Any) -> Access | None:
    """The declaration on a view, looking through functools.wraps layers (paginate, csrf …)."""
    seen = 0
    candidate = view
    while candidate is not None and seen < 10:
        if hasattr(candidate, ATTR):
            return getattr(candidate, ATTR)  # type: ignore[no-any-return]
        view_class = getattr(candidate, "view_class", None)
        if view_class is not None and hasattr(view_class, ATTR):
            return getattr(view_class, ATTR)  # type: ignore[no-any-return]
        candidate = getattr(candidate, "__wrapped__", None)
        seen += 1
    return None


def _mark(view: F, access: Access) -> F:
    setattr(view, ATTR, access)
    return view


def public(view: F) -> F:
    """Anyone, without login: the public portal, the login page, the API's public endpoints."""
    return _mark(view, Access("public"))


def login(view: F) -> F:
    """Any signed-in user; what they see is then limited by selectors."""
    return _mark(view, Access("login"))


def user_has_any_role(user: Any, roles: frozenset[str]) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return bool(user.role_names() & roles)


def roles(*names: str) -> Callable[[F], F]:
    """Signed-in users holding at least one of these roles (on any org node)."""
    wanted = frozenset(str(n) for n in names)

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not user_has_any_role(request.user, wanted):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # ninja evaluates string annotations (from `from __future__ import annotations`) in the
        # wrapper's globals — this module's — so hand it the view's signature already evaluated.
        # (An annotation naming something defined later stays a string; ninja resolves it as before.)
        with contextlib.suppress(NameError, TypeError):
            wrapper.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
        return _mark(wrapper, Access("roles", wanted))  # type: ignore[arg-type,return-value]

    return decorator


def is_framework_view(view: Any) -> bool:
    func = getattr(view, "func", view)  # functools.partial (ninja's openapi views)
    view_class = getattr(func, "view_class", None)
    if (
        view_class is not None
        and view_class.__module__ == "django.views.generic.base"
        and (view_class.__name__ == "RedirectView")
    ):
        return True  # the admin's "<id>/" → "<id>/change/" redirect: shows nothing itself
    if getattr(func, "admin_site", None) is not None:
        return True  # wrapped by AdminSite.admin_view: requires an active staff user
    return (getattr(func, "__module__", "") or "").startswith(FRAMEWORK_VIEW_MODULES)


class AccessMiddleware:
    """Refuses undeclared views; sends anonymous users of non-public pages to the login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        access = get_access(view_func)
        if access is None:
            if is_framework_view(view_func):
                return None
            raise PermissionDenied("view without an access declaration")
        if access.kind != "public" and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return None
