"""The CJK font embedded with its glyphs renumbered (documents/pdf_glyphs.py): every built-in 文书 reads
and draws as WeasyPrint's own PDF does — the same text, the same pixels drawn by PDFium (Chrome's PDF
engine), the same outline behind every glyph code, character ids that are glyph ids — and is several
times smaller; fonts it cannot renumber are embedded as WeasyPrint embeds them."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pypdf
import pypdfium2
import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from PIL import ImageChops

from zhifa.enforcement.documents import catalogue, pdf_glyphs, rendering
from zhifa.enforcement.documents.services import sample_context

REAL: Callable[..., tuple[bytes, int]] = getattr(rendering.html_to_pdf, "__wrapped__", rendering.html_to_pdf)


@contextmanager
def _weasyprints_own() -> Iterator[None]:
    pdf_glyphs.uninstall()
    try:
        yield
    finally:
        pdf_glyphs.install()


def _installed() -> None:
    REAL("<p>甲</p>")  # installs the speedups
    assert pdf_glyphs._STOCK, (
        "not installed: WeasyPrint is not the release it was checked against, or HarfBuzz lacks the subset plan"
    )


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _pixels(pdf: bytes) -> list[Any]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[i].render(scale=1.5).to_pil().convert("RGB") for i in range(len(document))]
    finally:
        document.close()


def _font_streams(pdf: bytes) -> list[bytes]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    out = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            for key in ("/FontFile2", "/FontFile3"):
                if key in descriptor:
                    out.append(descriptor[key].get_object().get_data())
    return out


@pytest.mark.parametrize("code", [k.code for k in catalogue.KINDS])
def test_every_builtin_wenshu_reads_and_draws_as_weasyprint_makes_it(code: str) -> None:
    _installed()
    html = rendering.render_html(catalogue.builtin_body(code), sample_context(code), title="t")
    renumbered = REAL(html, title="t", author="a")
    with _weasyprints_own():
        theirs = REAL(html, title="t", author="a")
    assert renumbered[1] == theirs[1]
    assert _text(renumbered[0]) == _text(theirs[0])
    ours, stock = _pixels(renumbered[0]), _pixels(theirs[0])
    assert len(ours) == len(stock)
    for mine, their in zip(ours, stock, strict=True):
        assert ImageChops.difference(mine, their).getbbox() is None, f"{code}: PDFium draws a difference"
    assert len(renumbered[0]) * 3 < len(theirs[0])  # the empty slots are gone
    # the embedded font: glyphs numbered from 0 without gaps, each character id its glyph id
    (font,) = {bytes(f) for f in _font_streams(renumbered[0])}
    tt = TTFont(io.BytesIO(font), checkChecksums=2)  # every table's checksum right
    assert pdf_glyphs._checksum(font) == 0xB1B0AFBA  # and the file's (head.checkSumAdjustment)
    assert tt["CFF "].cff.topDictIndex[0].ROS == ("Adobe", "Identity", 0)
    assert tt.getGlyphOrder() == [".notdef"] + [f"cid{i:05d}" for i in range(1, len(tt.getGlyphOrder()))]
    assert len(tt.getGlyphOrder()) < 400


def test_each_new_glyph_has_the_outline_of_the_old_one() -> None:
    """`compact_subset` on the very face the 文书 use: the glyph at each new id is drawn by the same
    outline as the glyph at its old id in the whole font, and its advance is the same."""
    _installed()
    from weasyprint.pdf import fonts as wp_fonts

    seen: dict[str, Any] = {}
    stock = pdf_glyphs._STOCK["build_fonts_dictionary"]

    def keep(pdf: Any, fonts: dict[Any, Any], *args: Any) -> Any:
        for f in fonts.values():
            seen.setdefault(f.hash, f)
        return stock(pdf, fonts, *args)

    html = rendering.render_html(catalogue.builtin_body("decision"), sample_context("decision"), title="t")
    pdf_glyphs._STOCK["build_fonts_dictionary"] = keep
    try:
        REAL(html, title="t")
    finally:
        pdf_glyphs._STOCK["build_fonts_dictionary"] = stock
    (font,) = seen.values()
    assert isinstance(font, wp_fonts.Font) and "CFF " in font.tables
    used = sorted({0, *font.to_unicode})
    made = pdf_glyphs.compact_subset(font.hb_face, used, hinting=False)
    assert made is not None
    content, new_ids = made
    # in the old order, from 0 (HarfBuzz may keep a few more glyphs, reached by the layout tables)
    renumbered = [new_ids[g] for g in used]
    assert renumbered[0] == 0 and renumbered == sorted(set(renumbered))
    assert renumbered[-1] < len(used) + 20
    from weasyprint.text.fonts import get_hb_object_data

    # the whole font file (the rendering left the subset in `font.file_content`)
    whole = TTFont(io.BytesIO(get_hb_object_data(font.hb_face)), fontNumber=font.index, lazy=True)
    small = TTFont(io.BytesIO(content))
    whole_glyphs, small_glyphs = whole.getGlyphSet(), small.getGlyphSet()
    whole_order, small_order = whole.getGlyphOrder(), small.getGlyphOrder()
    for old, new in new_ids.items():
        a, b = DecomposingRecordingPen(whole_glyphs), DecomposingRecordingPen(small_glyphs)
        whole_glyphs[whole_order[old]].draw(a)
        small_glyphs[small_order[new]].draw(b)
        assert a.value == b.value, (old, new)
        assert whole["hmtx"][whole_order[old]] == small["hmtx"][small_order[new]]


def test_fonts_it_cannot_renumber_are_embedded_as_weasyprint_embeds_them() -> None:
    """A TrueType font, and the CJK font (the page's footer is in it too) standing in a .notdef for a
    character no font has: the very bytes of WeasyPrint's own PDF."""
    _installed()
    html = rendering.render_html(
        '<p style="font-family: DejaVu Serif">Zhifa ∑ é ﬁ</p><p>执法 \ue000</p>', {}, title="t"
    )
    kept, renumbered = pdf_glyphs.stats["kept"], pdf_glyphs.stats["renumbered"]
    ours = REAL(html, title="t")
    assert pdf_glyphs.stats["kept"] >= kept + 2 and pdf_glyphs.stats["renumbered"] == renumbered
    with _weasyprints_own():
        theirs = REAL(html, title="t")
    assert ours == theirs


def test_a_document_written_twice_gives_the_same_bytes() -> None:
    """The fonts' widths and Unicode maps are renumbered only while the font dictionaries are built: a
    second write draws the pages again with the whole font's ids."""
    _installed()
    from weasyprint import HTML

    html = rendering.render_html(
        catalogue.builtin_body("filing_approval"), sample_context("filing_approval"), title="t"
    )
    document = HTML(string=html, base_url=None).render(
        stylesheets=[rendering._stylesheet()], font_config=rendering._font_config()
    )
    first, second = io.BytesIO(), io.BytesIO()
    document.write_pdf(first)
    document.write_pdf(second)
    assert first.getvalue() == second.getvalue()
    assert _text(first.getvalue()) == _text(REAL(html, title="")[0])


def test_the_charset_rewrite_refuses_what_it_does_not_understand() -> None:
    assert pdf_glyphs.identity_charset(b"") is None
    assert pdf_glyphs.identity_charset(b"OTTO" + b"\0" * 40) is None  # no tables
    _installed()
    html = rendering.render_html("<p>执法监督</p>", {}, title="t")
    (font,) = _font_streams(REAL(html, title="t")[0])
    font = bytes(font)
    assert pdf_glyphs.identity_charset(font) == font  # already the identity: unchanged, checksums too
    assert pdf_glyphs.identity_charset(font[:100]) is None  # cut short
