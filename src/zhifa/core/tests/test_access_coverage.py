"""Deny by default: every URL pattern and every API operation declares who may use it."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from zhifa.config.api import api
from zhifa.core.access import AccessMiddleware, get_access, is_framework_view


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            found.extend(_patterns(p, prefix + str(p.pattern)))
        elif isinstance(p, URLPattern):
            found.append((prefix + str(p.pattern), p.callback))
    return found


def test_every_url_pattern_declares_its_access() -> None:
    missing = [
        route
        for route, callback in _patterns(get_resolver())
        if get_access(callback) is None and not is_framework_view(callback)
    ]
    assert not missing, f"views without @public/@login/@roles: {missing}"


def test_every_api_operation_declares_its_access() -> None:
    missing = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                if get_access(op.view_func) is None:
                    missing.append(f"{','.join(op.methods)} {prefix}{path}")
                elif get_access(op.view_func).kind == "public" and op.auth_param is not None:
                    missing.append(f"{','.join(op.methods)} {prefix}{path} is @public but requires auth")
                elif get_access(op.view_func).kind != "public" and op.auth_param is None:
                    missing.append(f"{','.join(op.methods)} {prefix}{path} has no auth but is not @public")
    assert not missing, missing


def test_the_api_has_operations_to_check() -> None:
    count = sum(len(pv.operations) for _, r in api._routers for pv in r.path_operations.values())
    assert count >= 4


def test_an_undeclared_view_is_refused_at_runtime() -> None:
    def undeclared(request: Any) -> None:  # pragma: no cover — never reached
        raise AssertionError

    middleware = AccessMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(PermissionDenied):
        middleware.process_view(RequestFactory().get("/x"), undeclared, (), {})


@pytest.mark.django_db
def test_role_protected_api_refuses_other_roles(client, world, api_token) -> None:
    response = client.get("/api/v1/audit/verify", **api_token(world.officer_a))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert client.get("/api/v1/audit/verify", **api_token(world.supervisor)).json()["ok"] is True
