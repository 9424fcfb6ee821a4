"""The API's JSON writer: orjson, with the text ninja's own writer gives for every value.

ninja writes a response with `json.dumps` and Django's encoder: Chinese escaped to `\\uXXXX` (six
bytes a character where UTF-8 takes three) and a Python call for every date, time and amount. A
page of 50 cases was 39 KB and 0.37 ms to write; orjson writes it as UTF-8 in 29 KB and 0.11 ms
(docs/benchmarks.md, fifteenth session). Field officers read the API over mobile links.

The values are written as before, so clients see no difference beyond the escapes: dates and
datetimes go through `_default` (orjson's own datetime keeps microseconds where Django's keeps
milliseconds, and writes UTC as +00:00 where Django writes Z), as do amounts, lazy translations and
pydantic models. A body orjson refuses (an integer beyond 64 bits echoed in a validation error, a dict
key of an odd type, a lone surrogate in an echoed string) is written by `json.dumps` as ninja wrote
it, never a 500.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

_ENCODER = NinjaJSONEncoder()
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
CONTENT_TYPE = "application/json; charset=utf-8"  # what ninja sends with its renderer's output


def _default(value: Any) -> Any:
    # the two types of nearly every call first; the rest as ninja's encoder writes them
    kind = type(value)
    if kind is dt.date:
        return value.isoformat()
    if kind is dt.datetime:
        text = value.isoformat()
        if value.microsecond:  # milliseconds, as ECMA-262 and Django's encoder
            text = text[:23] + text[26:]
        if text.endswith("+00:00"):
            text = text[:-6] + "Z"
        return text
    return _ENCODER.default(value)


def dumps(data: Any) -> bytes:
    """`data` as JSON in UTF-8, as ninja's JSONRenderer writes it but for the escapes."""
    try:
        return orjson.dumps(data, default=_default, option=_OPTIONS)
    except orjson.JSONEncodeError:
        # (escaped, as before: a lone surrogate in an echoed string is what orjson refused)
        return json.dumps(data, cls=NinjaJSONEncoder).encode()


def response(data: Any, *, status: int) -> HttpResponse:
    """An API answer written outside ninja (the request guards' refusals, the 503 while the database
    restarts), as ninja's renderer writes its own."""
    return HttpResponse(dumps(data), status=status, content_type=CONTENT_TYPE)


class Renderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return dumps(data)
