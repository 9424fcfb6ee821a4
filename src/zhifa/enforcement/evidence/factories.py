"""Sample evidence content and records for tests and demo data: real files, small and generated."""

from __future__ import annotations

import functools
import hashlib
import io
import random
from typing import Any

from zhifa.core.files.storage import get_store
from zhifa.enforcement.evidence.meta import EvidenceMeta
from zhifa.enforcement.evidence.models import Evidence
from zhifa.enforcement.evidence.services import evidence_ingest
from zhifa.enforcement.evidence.staging import stage_stream


def jpeg_bytes(label: str = "", *, seed: int = 0, size: tuple[int, int] = (320, 240)) -> bytes:
    """A real JPEG photo (a coloured scene with a caption) made with Pillow."""
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    image = Image.new("RGB", size, (rnd.randrange(60, 200), rnd.randrange(60, 200), rnd.randrange(60, 200)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        draw.rectangle([x, y, x + rnd.randrange(10, 80), y + rnd.randrange(10, 60)], fill=_colour(rnd))
    draw.text(
        (8, size[1] - 20), (label or f"evidence {seed}").encode("ascii", "replace").decode(), fill=(0, 0, 0)
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def png_bytes(*, seed: int = 0) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), _colour(random.Random(seed))).save(out, format="PNG")
    return out.getvalue()


def _colour(rnd: random.Random) -> tuple[int, int, int]:
    return (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))


def mp4_bytes(payload_size: int = 4096, *, seed: int = 0) -> bytes:
    """An ISO base media file: `ftyp` box (brand isom) and an `mdat` box of pseudo-random payload. Enough
    for type detection and hashing; players would find no tracks in it."""
    ftyp = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    payload = random.Random(seed).randbytes(payload_size)
    mdat = (8 + len(payload)).to_bytes(4, "big") + b"mdat" + payload
    return ftyp + mdat


@functools.lru_cache(maxsize=64)
def pdf_bytes(text: str = "现场检查笔录") -> bytes:
    """A one-page PDF rendered by WeasyPrint (the same engine as the 文书). Kept per text: the same
    text renders to the same bytes (no date in them), and the demo scans the same signed waiver into
    two dozen files (each rendering also loaded the fonts again)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=f"<p style='font-family:Noto Serif CJK SC'>{text}</p>").write_pdf()
    return pdf


def digests(data: bytes) -> tuple[str, str]:
    return hashlib.sha256(data).hexdigest(), hashlib.new("sm3", data).hexdigest()


def make_evidence(
    *,
    actor: Any,
    agency: Any,
    data: bytes,
    kind: str = "",
    name: str = "sample",
    case: Any = None,
    **meta: Any,
) -> Evidence:
    staged = stage_stream(io.BytesIO(data), staging_dir=get_store().staging_dir, original_name=name)
    return evidence_ingest(
        actor=actor, staged=staged, agency=agency, meta=EvidenceMeta(kind=kind, **meta), case=case
    )
