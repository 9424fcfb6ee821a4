"""The one door for small uploads (`core.files.uploads`), used by complaints and appeals: each domain's
policy keeps its own error codes; the checks are the same for all."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhifa.core.errors import InvalidInput
from zhifa.core.files.uploads import JPEG, MP4, PDF, PNG, Policy, check_files, clean_name, opens


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


def mp4(boxes: list[bytes]) -> bytes:
    return b"".join((len(b) + 4).to_bytes(4, "big") + b for b in boxes)


PAPERS = Policy(kinds=(PDF, PNG), code="file", max_files=2)
MEDIA = Policy(kinds=(JPEG, PNG, MP4), code="attachment")


def test_a_good_file_is_read_hashed_and_typed_from_its_bytes() -> None:
    [f] = check_files([SimpleUploadedFile("照片.PNG", png(), content_type="application/pdf")], PAPERS)
    import hashlib

    assert (f.mime, f.name, f.size) == ("image/png", "照片.PNG", len(png()))
    assert f.sha256 == hashlib.sha256(png()).hexdigest() and f.sm3 == hashlib.new("sm3", png()).hexdigest()


@pytest.mark.parametrize(
    ("policy", "name", "data", "code"),
    [
        (PAPERS, "a.pdf", b"just text", "file_type"),
        (PAPERS, "a.pdf", png(), "file_type_mismatch"),
        (PAPERS, "a.pdf", b"%PDF-1.4 cut", "file_corrupt"),
        (PAPERS, "a.pdf", b"", "file_empty"),
        (MEDIA, "v.mp4", mp4([b"ftypisom" + b"\0" * 8, b"mdat" + b"\0" * 20])[:-3], "attachment_corrupt"),
        (MEDIA, "a.pdf", b"%PDF-1.7\n", "attachment_type"),  # a PDF is not a kind this policy takes
    ],
)
def test_each_refusal_has_the_policys_code_and_names_the_field(policy, name, data, code) -> None:
    with pytest.raises(InvalidInput) as exc:
        check_files([SimpleUploadedFile(name, data)], policy, field="papers")
    assert exc.value.code == code
    assert exc.value.detail.get("field") == "papers"


def test_counts_and_sizes_are_limited_per_policy() -> None:
    with pytest.raises(InvalidInput) as exc:
        check_files([SimpleUploadedFile(f"{i}.png", png()) for i in range(3)], PAPERS)
    assert exc.value.code == "too_many_files"
    small = Policy(kinds=(PNG,), code="attachment", max_file_bytes=len(png()) - 1)
    with pytest.raises(InvalidInput) as exc:
        check_files([SimpleUploadedFile("a.png", png())], small)
    assert exc.value.code == "attachment_too_large"
    total = Policy(kinds=(PNG,), code="attachment", max_total_bytes=len(png()) + 1)
    with pytest.raises(InvalidInput) as exc:
        check_files([SimpleUploadedFile("a.png", png()), SimpleUploadedFile("b.png", png())], total)
    assert exc.value.code == "attachments_too_large"


def test_a_well_formed_mp4_opens_and_names_are_cleaned() -> None:
    assert opens(MP4, mp4([b"ftypisom" + b"\0" * 8, b"mdat" + b"\0" * 20]))
    assert not opens(MP4, b"\0\0\0\x04ftyp")
    assert clean_name("../../etc/pass<wd>.png") == "pass_wd_.png"
    assert clean_name("") == "file"
    assert PAPERS.accept_attribute == ".pdf,.png"


def test_files_accepted_by_their_detected_type_must_open_too() -> None:
    from openpyxl import Workbook

    from zhifa.core.files import filetypes
    from zhifa.core.files.uploads import opens_detected

    book = io.BytesIO()
    Workbook().save(book)
    xlsx = book.getvalue()
    found = filetypes.detect(xlsx[: filetypes.HEAD_BYTES])
    assert found is filetypes.XLSX
    assert opens_detected(found, xlsx)
    assert not opens_detected(found, xlsx[: len(xlsx) - 40])  # the central directory cut off
    image = io.BytesIO()
    Image.new("RGB", (8, 8)).save(image, "PNG")
    png = image.getvalue()
    assert opens_detected(filetypes.PNG, png) and not opens_detected(filetypes.PNG, png[:-30])
    assert opens_detected(filetypes.RTF, b"{\\rtf1 text}")  # no decoder: its signature is enough


def test_an_office_package_that_would_inflate_past_the_bound_is_refused_unread(monkeypatch) -> None:
    import zipfile

    from zhifa.core.files import filetypes, uploads

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (2 * 1024 * 1024))
    data = packed.getvalue()
    assert uploads.opens_detected(filetypes.DOCX, data)
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 1024 * 1024)
    assert not uploads.opens_detected(filetypes.DOCX, data)
