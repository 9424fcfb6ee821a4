import pytest

from zhifa.core.files import filetypes
from zhifa.enforcement.evidence import kinds
from zhifa.enforcement.evidence.factories import jpeg_bytes, mp4_bytes, pdf_bytes, png_bytes


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video/quicktime"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic"),
        (b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00", "audio/mp4"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video/x-msvideo"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm", "video/webm"),
        (b"#!AMR\n\x00\x00", "audio/amr"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"%PDF-1.7\n", "application/pdf"),
        ("询问笔录：当事人称……".encode(), "text/plain"),
    ],
)
def test_signatures_are_recognised(head: bytes, mime: str) -> None:
    found = filetypes.detect(head)
    assert found is not None and found.mime == mime


def test_real_files_made_by_the_factories_are_recognised() -> None:
    assert filetypes.detect(jpeg_bytes()[:8192]) == filetypes.JPEG
    assert filetypes.detect(png_bytes()) == filetypes.PNG
    assert filetypes.detect(mp4_bytes()) == filetypes.MP4
    assert filetypes.detect(pdf_bytes()[:8192]) == filetypes.PDF


@pytest.mark.parametrize(
    "head",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # a Windows executable
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8,  # a Linux executable
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 16 + b"\x05\x00\x00\x00a.exe",  # a plain zip
        bytes(range(256)),  # binary noise
        b"abc",  # too short
    ],
)
def test_other_content_is_not_recognised(head: bytes) -> None:
    assert filetypes.detect(head) is None


def test_a_photo_is_not_accepted_as_a_video() -> None:
    assert not kinds.accepts("video", filetypes.JPEG)
    assert kinds.accepts("record", filetypes.JPEG)  # a scanned 笔录
