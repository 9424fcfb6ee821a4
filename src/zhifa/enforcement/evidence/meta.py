"""The metadata sent with an upload (multipart fields or a resumable session's JSON), validated once.

Errors are collected per field and raised together as one InvalidInput with translated messages, so a
form can show each beside its field and the API returns them in `detail.fields`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput

HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
KINDS = ("photo", "video", "audio", "document", "record")
CLOCK_SKEW = dt.timedelta(minutes=10)  # body cameras' clocks drift; minutes, not days


@dataclass
class EvidenceMeta:
    kind: str = ""  # empty: inferred from the content
    description: str = ""
    captured_at: dt.datetime | None = None
    captured_by_name: str = ""
    location: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    device: str = ""
    sha256: str = ""
    size: int | None = None
    party_name: str = ""
    party_id_number: str = ""
    action_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["captured_at"] = self.captured_at.isoformat() if self.captured_at else None
        data["latitude"] = str(self.latitude) if self.latitude is not None else None
        data["longitude"] = str(self.longitude) if self.longitude is not None else None
        return data


_LIMITS = {
    "description": 4000,
    "captured_by_name": 50,
    "location": 200,
    "device": 100,
    "party_name": 100,
    "party_id_number": 30,
}


def parse_meta(fields: Mapping[str, Any], *, now: dt.datetime | None = None) -> EvidenceMeta:
    """Validate upload metadata; raise InvalidInput naming every bad field."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    meta = EvidenceMeta()

    def text(name: str) -> str:
        raw = fields.get(name)
        value = "" if raw is None else str(raw).strip()
        if "\x00" in value:
            errors[name] = _("Contains characters that are not allowed.")
            return ""
        if len(value) > _LIMITS.get(name, 200):
            errors[name] = _("Too long (at most %(n)s characters).") % {"n": _LIMITS.get(name, 200)}
        return value

    kind = text("kind")
    if kind and kind not in KINDS:
        errors["kind"] = _("Unknown kind; use one of: %(kinds)s.") % {"kinds": ", ".join(KINDS)}
    meta.kind = kind
    for name in _LIMITS:
        setattr(meta, name, text(name))

    raw_time = text("captured_at")
    if raw_time:
        try:
            parsed = parse_datetime(raw_time)
        except ValueError:
            parsed = None
        if parsed is None:
            errors["captured_at"] = _("Not a date and time (use ISO 8601, e.g. 2025-06-02T09:30:00+08:00).")
        else:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)  # the device's local time in our time zone
            if parsed > now + CLOCK_SKEW:
                errors["captured_at"] = _("The capture time is in the future.")
            meta.captured_at = parsed

    for name, bound in (("latitude", 90), ("longitude", 180)):
        raw = text(name)
        if not raw:
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            errors[name] = _("Not a number.")
            continue
        if not value.is_finite() or abs(value) > bound:
            errors[name] = _("Out of range (±%(bound)s).") % {"bound": bound}
            continue
        setattr(meta, name, value.quantize(Decimal("0.000001")))
    if (meta.latitude is None) != (meta.longitude is None) and not errors.keys() & {"latitude", "longitude"}:
        errors["longitude" if meta.longitude is None else "latitude"] = _("Give both coordinates or neither.")

    digest = text("sha256")
    if digest and not HEX64.match(digest):
        errors["sha256"] = _("A SHA-256 digest is 64 hexadecimal characters.")
    meta.sha256 = digest.lower()

    for name in ("size", "action_id"):
        raw = text(name)
        if not raw:
            continue
        try:
            number = int(raw)
        except ValueError:
            errors[name] = _("Not a whole number.")
            continue
        if number < (0 if name == "size" else 1):
            errors[name] = _("Out of range.")
            continue
        setattr(meta, name, number)

    if errors:
        raise InvalidInput(
            _("Some fields are not valid."), code="invalid_metadata", detail={"fields": errors}
        )
    return meta
