"""@access.roles works on ninja handlers in modules that postpone annotations."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.testing import TestClient

from zhifa.core import access
from zhifa.core.roles import Role
from zhifa.org.api import BearerAuth


class EchoIn(Schema):
    text: str


def _api() -> NinjaAPI:
    api = NinjaAPI(auth=BearerAuth(), urls_namespace="annotations-test")

    @api.post("/echo")
    @access.roles(Role.OFFICER)
    def echo(request: HttpRequest, payload: EchoIn) -> dict[str, str]:
        return {"text": payload.text}

    return api


@pytest.mark.django_db
def test_roles_wrapper_keeps_postponed_annotations_resolvable(world, api_token) -> None:
    client = TestClient(_api())
    token = api_token(world.officer_a)["HTTP_AUTHORIZATION"]
    response = client.post("/echo", json={"text": "好"}, headers={"Authorization": token})
    assert response.status_code == 200 and response.json() == {"text": "好"}
