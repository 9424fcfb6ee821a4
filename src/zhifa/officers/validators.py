"""Input checks and masking for officers' personal data. Pure functions; services call them."""

from __future__ import annotations

import io
import re
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_NUMBER_RE = re.compile(r"^[0-9A-Z\u4e00-\u9fff\-]{4,32}$")

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character of a citizen identity number (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(raw: str) -> str:
    """An 18-character 公民身份号码 with a correct check character, upper-case X; else InvalidInput."""
    value = (raw or "").strip().upper()
    if not _ID_RE.match(value) or id_check_digit(value[:17]) != value[17]:
        raise InvalidInput(
            _("The ID number must be an 18-character citizen identity number with a correct check digit."),
            code="invalid_id_number",
            detail={"field": "id_number"},
        )
    return value


def mask_id_number(value: str) -> str:
    """Keep the first four and last four characters: enough to tell two people apart in a list."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def normalize_credential_number(raw: str) -> str:
    value = (raw or "").strip().upper()
    if not _NUMBER_RE.match(value):
        raise InvalidInput(
            _("A credential number is 4 to 32 letters, digits, Chinese characters or hyphens."),
            code="invalid_credential_number",
            detail={"field": "number"},
        )
    return value


def normalize_areas(raw: Any) -> list[str]:
    """A list of enforcement areas (执法领域): non-empty strings, duplicates dropped, order kept."""
    if isinstance(raw, str):
        raw = re.split(r"[,，、;；\n]", raw)
    if not isinstance(raw, list | tuple):
        raise InvalidInput(_("Enforcement areas must be a list."), detail={"field": "areas"})
    areas: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            raise InvalidInput(_("Enforcement areas must be a list."), detail={"field": "areas"})
        name = item.strip()
        if len(name) > 30:
            raise InvalidInput(
                _("An enforcement area name is at most 30 characters."), detail={"field": "areas"}
            )
        if name and name not in areas:
            areas.append(name)
    return areas


def check_photo(data: bytes) -> str:
    """Validate an uploaded photo (JPEG or PNG, at most 2 MB, decodable); returns the file extension."""
    if len(data) > PHOTO_MAX_BYTES:
        raise InvalidInput(_("The photo is larger than 2 MB."), code="photo_too_large")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput(_("The photo is not a readable JPEG or PNG image."), code="photo_invalid") from exc
    if fmt not in PHOTO_FORMATS:
        raise InvalidInput(_("The photo is not a readable JPEG or PNG image."), code="photo_invalid")
    return PHOTO_FORMATS[fmt]


PHOTO_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


def photo_content_type(name: str | None) -> str:
    return PHOTO_CONTENT_TYPES.get((name or "").rsplit(".", 1)[-1], "application/octet-stream")
