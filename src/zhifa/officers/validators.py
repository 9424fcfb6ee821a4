"""Input checks and masking for officers' personal data. Pure functions; services call them."""

from __future__ import annotations

import io
import re
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput
from zhifa.core.identity import resident_id_check_char, validate_resident_id
from zhifa.core.masking import mask_id_number as core_mask_id_number

_NUMBER_RE = re.compile(r"^[0-9A-Z\u4e00-\u9fff\-]{4,32}$")

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2); see zhifa.core.identity."""
    return resident_id_check_char(first17)


def normalize_id_number(raw: str) -> str:
    """An 18-character 公民身份号码 (region, real birth date, check character); else InvalidInput
    with code `invalid_id_number` (zhifa.core.identity does the checking for every app)."""
    return validate_resident_id(raw)


def mask_id_number(value: str) -> str:
    """Staff displays keep the region and the last four characters (zhifa.core.masking)."""
    return core_mask_id_number(value)


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
