"""The API's JSON writer (core.api_json): the values ninja's own writer gave, in UTF-8, and never a
500 for a body orjson refuses."""

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.db import models
from django.test import Client
from django.utils.translation import gettext_lazy
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

from zhifa.core.api_json import dumps

UTC = dt.UTC
CST = dt.timezone(dt.timedelta(hours=8))


class Colour(models.TextChoices):
    RED = "red", "红"


class Inner(BaseModel):
    at: dt.datetime
    amount: Decimal


VALUES = [
    {"name": "渣土运输有限公司", "id": 7, "ok": True, "none": None, "ratio": 0.5},
    dt.date(2026, 12, 7),
    dt.datetime(2026, 12, 7, 1, 2, 3, tzinfo=UTC),  # → …03Z
    dt.datetime(2026, 12, 7, 1, 2, 3, 456789, tzinfo=UTC),  # → …03.456Z (milliseconds)
    dt.datetime(2026, 12, 7, 9, 2, 3, 450000, tzinfo=CST),  # → …03.450+08:00
    dt.datetime(2026, 12, 7, 9, 2, 3),  # noqa: DTZ001 — naive, as a value may be
    dt.time(9, 30, 15, 250000),
    dt.timedelta(days=15, hours=2),
    Decimal("200000.00"),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    gettext_lazy("Unknown case state."),
    Colour.RED,
    Inner(at=dt.datetime(2026, 1, 1, tzinfo=UTC), amount=Decimal("1.50")),
    [(1, 2), {"k": [dt.date(2026, 1, 1)]}],
    {1: "an integer key", "nested": {2: Decimal("3")}},
    "<script>alert(1)</script>\u2028\u0000",
]


@pytest.mark.parametrize("value", VALUES)
def test_every_value_is_written_as_ninjas_writer_wrote_it(value) -> None:
    assert json.loads(dumps(value)) == json.loads(json.dumps(value, cls=NinjaJSONEncoder))


def test_chinese_is_written_in_utf8_not_escaped() -> None:
    body = dumps({"party": "王伟"})
    assert body == '{"party":"王伟"}'.encode()


@pytest.mark.parametrize(
    "value",
    [
        {"input": 10**30},  # a 30-digit integer echoed in a validation error
        {"input": "\ud800"},  # a lone surrogate decoded from a hostile JSON body
    ],
)
def test_what_orjson_refuses_is_written_as_before(value) -> None:
    assert dumps(value) == json.dumps(value, cls=NinjaJSONEncoder).encode()


def test_what_neither_writer_takes_still_fails_loudly() -> None:
    for value in ({"set": {1, 2}}, {(1, 2): "a tuple key"}):
        with pytest.raises(TypeError):
            dumps(value)


@pytest.mark.django_db
def test_api_responses_and_refusals_are_utf8_json_saying_so(world, api_token) -> None:
    client, auth = Client(), api_token(world.approver_a)
    listed = client.get("/api/v1/cases", **auth)
    refused = client.get("/api/v1/cases?status=nope", **auth)
    guarded = client.get("/api/v1/cases?agency=" + "9" * 30, **auth)  # refused before ninja (core.guards)
    assert (listed.status_code, refused.status_code, guarded.status_code) == (200, 400, 422)
    for response in (listed, refused, guarded):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert b"\\u" not in response.content
    assert refused.json()["message"] == "未知的案件状态。"
    assert "未知的案件状态".encode() in refused.content
