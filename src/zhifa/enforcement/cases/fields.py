"""Reading event payloads: each helper returns a clean value or raises InvalidInput (400) naming the
field, so a malformed form or JSON body gets a clear translated error and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput

MAX_TEXT = 20_000
MAX_AMOUNT = Decimal("1000000000000")  # 14 digits with 2 decimals: what the columns hold


def text(data: dict[str, Any], name: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
    raw = data.get(name)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise InvalidInput(_("This field must be text."), detail={"field": name})
    value = raw.replace("\x00", "").strip()
    if required and not value:
        raise InvalidInput(_("This field is required: %(field)s.") % {"field": name}, detail={"field": name})
    if len(value) > max_length:
        raise InvalidInput(
            _("This text is too long (at most %(max)s characters).") % {"max": max_length},
            detail={"field": name},
        )
    return value


def choice(data: dict[str, Any], name: str, choices: list[str], *, required: bool = True) -> str:
    value = text(data, name, required=required, max_length=50)
    if value and value not in choices:
        raise InvalidInput(
            _("Unknown value for %(field)s.") % {"field": name}, detail={"field": name, "choices": choices}
        )
    return value


def money(
    data: dict[str, Any], name: str, *, required: bool = True, allow_zero: bool = True
) -> Decimal | None:
    raw = data.get(name)
    if raw is None or raw == "":
        if required:
            raise InvalidInput(
                _("This field is required: %(field)s.") % {"field": name}, detail={"field": name}
            )
        return None
    if isinstance(raw, float):
        # JSON numbers arrive as floats; the API contract says decimal strings, but a whole number
        # such as 200 or 200.5 converts exactly enough through its shortest repr.
        raw = repr(raw)
    if isinstance(raw, bool):
        raise InvalidInput(_("The amount is not a number."), detail={"field": name})
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("The amount is not a number."), detail={"field": name}) from None
    if not value.is_finite() or value < 0 or (value == 0 and not allow_zero):
        raise InvalidInput(_("The amount must be a positive number."), detail={"field": name})
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput(_("Amounts are in yuan with at most two decimals."), detail={"field": name})
    if value >= MAX_AMOUNT:
        raise InvalidInput(_("The amount is too large."), detail={"field": name})
    return value.quantize(Decimal("0.01"))


def date(data: dict[str, Any], name: str, *, required: bool = False) -> dt.date | None:
    raw = data.get(name)
    if raw is None or raw == "":
        if required:
            raise InvalidInput(
                _("This field is required: %(field)s.") % {"field": name}, detail={"field": name}
            )
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise InvalidInput(
            _("Dates are written YYYY-MM-DD (%(field)s).") % {"field": name}, detail={"field": name}
        ) from None


def boolean(data: dict[str, Any], name: str) -> bool:
    raw = data.get(name, False)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        return raw.strip().lower() in ("1", "true", "on", "yes")
    if isinstance(raw, int):
        return raw != 0
    raise InvalidInput(_("This field must be true or false."), detail={"field": name})


def integer(data: dict[str, Any], name: str, *, required: bool = True, minimum: int = 1) -> int | None:
    raw = data.get(name)
    if raw is None or raw == "":
        if required:
            raise InvalidInput(
                _("This field is required: %(field)s.") % {"field": name}, detail={"field": name}
            )
        return None
    if isinstance(raw, bool):
        raise InvalidInput(_("This field must be a whole number."), detail={"field": name})
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise InvalidInput(_("This field must be a whole number."), detail={"field": name}) from None
    if value < minimum or value > 2**31:
        raise InvalidInput(_("This number is out of range."), detail={"field": name})
    return value


def id_list(data: dict[str, Any], name: str) -> list[int]:
    raw = data.get(name)
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        raw = [p for p in raw.replace("，", ",").split(",") if p.strip()]
    if not isinstance(raw, list | tuple):
        raise InvalidInput(_("This field must be a list of ids."), detail={"field": name})
    out: list[int] = []
    for item in raw:
        value = integer({name: item}, name)
        assert value is not None
        if value not in out:
            out.append(value)
    return out


def string_list(data: dict[str, Any], name: str) -> list[str]:
    raw = data.get(name)
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple) or not all(isinstance(x, str) for x in raw):
        raise InvalidInput(_("This field must be a list."), detail={"field": name})
    return [x.strip() for x in raw if x.strip()]
