"""The inspection code as a QR code: inline SVG (prints sharply, no image service), through the
`qrcode` library the platform already uses for officers' cards."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe


def code_url(request: HttpRequest, code: str) -> str:
    """The public page of an inspection code, absolute. ZHIFA_PUBLIC_URL (when set) wins over the host
    the code was printed from: a code printed on an intranet must open from the enterprise's phone."""
    path = reverse("inspections_public:code", args=[code])
    base = str(getattr(settings, "ZHIFA_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_svg(data: str) -> SafeString:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(data)
    code.make(fit=True)
    svg: str = code.make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")
    return mark_safe(svg)  # noqa: S308 — the generator's own markup for a URL we built
