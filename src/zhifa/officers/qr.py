"""QR codes for officer cards, rendered as inline SVG (no image service, prints sharply)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe


def check_url(request: HttpRequest, number: str) -> str:
    """The public check page for a credential, as an absolute URL.

    ZHIFA_PUBLIC_URL (when a deployment sets it) wins over the host the card was printed from: cards
    printed on an intranet address must still open from a citizen's phone."""
    path = reverse("officers:check", args=[number])
    base = str(getattr(settings, "ZHIFA_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_svg(data: str) -> SafeString:
    """An SVG QR code (error correction M: survives a worn or partly covered card)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    svg: str = image.to_string(encoding="unicode")
    # Our own generator's output for a URL we built: no user markup can reach it.
    return mark_safe(svg)  # noqa: S308
