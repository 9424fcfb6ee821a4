"""The demo's material file is a well-formed PDF (a broken cross-reference table made every `make run`
log pypdf's repair warnings)."""

from __future__ import annotations

import io

import pypdf

from zhifa.supervision.assessment.demo_data import DEMO_PDF


def test_the_demo_pdf_reads_strictly() -> None:
    reader = pypdf.PdfReader(io.BytesIO(DEMO_PDF), strict=True)
    assert len(reader.pages) == 1
    start = int(DEMO_PDF.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert DEMO_PDF[start:].startswith(b"xref\n")
