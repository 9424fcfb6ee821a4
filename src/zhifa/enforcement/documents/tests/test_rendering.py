import io

import pytest
from pypdf import PdfReader

from zhifa.core.errors import InvalidInput
from zhifa.enforcement.documents import catalogue, rendering
from zhifa.enforcement.documents.services import sample_context
from zhifa.enforcement.documents.templatetags.wenshu import capital_amount


def _fonts(pdf: bytes) -> list[tuple[str, list[str]]]:
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            files = [k for k in desc.get_object() if k.startswith("/FontFile")] if desc else []
            found.append((str(font["/BaseFont"]), files))
    return found


@pytest.mark.parametrize("code", [k.code for k in catalogue.KINDS])
def test_every_builtin_template_renders_a_pdf_with_embedded_cjk_fonts(code: str) -> None:
    sample = sample_context(code)
    rendered = rendering.render_pdf(catalogue.builtin_body(code), sample, title=code)
    reader = PdfReader(io.BytesIO(rendered.pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert sample["agency"]["name"] in text
    fonts = _fonts(rendered.pdf)
    assert fonts and all(files for _name, files in fonts), fonts  # every font is embedded
    assert any("CJK" in name for name, _files in fonts)
    assert rendered.pages == len(reader.pages) >= 1


def test_a_template_cannot_fetch_from_the_network() -> None:
    import http.server
    import threading

    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        body = f'<img src="{url}/img.png"><link rel="stylesheet" href="{url}/x.css"><p style="background:url({url}/bg)">x</p>'
        rendered = rendering.render_pdf(body, {}, title="t")
    finally:
        server.shutdown()
    assert rendered.pages == 1 and hits == []


def test_a_template_sees_only_the_context_it_is_given() -> None:
    html = rendering.render_html(
        "{{ settings.SECRET_KEY }}{{ request }}[{{ party.name }}]",
        {"party": {"name": "<b>甲</b>"}},
        title="t",
    )
    assert "[&lt;b&gt;甲&lt;/b&gt;]" in html and "SECRET" not in html


@pytest.mark.parametrize(
    "source", ["{% include '/etc/passwd' %}", "{% load i18n %}", "{% if %}", "{{ x|nosuchfilter }}"]
)
def test_broken_or_unsafe_templates_are_refused(source: str) -> None:
    with pytest.raises(InvalidInput):
        rendering.render_html(source, {}, title="t")


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("200", "贰佰元整"),
        ("3000.00", "叁仟元整"),
        ("12000.50", "壹万贰仟元伍角"),
        ("10005", "壹万零伍元整"),
        ("1010101", "壹佰零壹万零壹佰零壹元整"),
        ("0.05", "伍分"),
        ("100000", "壹拾万元整"),
        ("0", "零元整"),
    ],
)
def test_amounts_in_capital_numerals(amount: str, words: str) -> None:
    from decimal import Decimal

    assert capital_amount(Decimal(amount)) == words


def test_the_same_html_renders_to_the_same_bytes() -> None:
    """The PDF carries no creation date or random identifier: the tests rely on this to render a given
    HTML once per process (root conftest, `_same_html_same_pdf`); archived digests rely on it too."""
    real = getattr(rendering.html_to_pdf, "__wrapped__", rendering.html_to_pdf)
    html = rendering.render_html(
        catalogue.builtin_body("filing_approval"), sample_context("filing_approval"), title="t"
    )
    first, second = real(html, title="t", author="a"), real(html, title="t", author="a")
    assert first == second
    assert b"/CreationDate" not in first[0] and b"/ID" not in first[0]


def test_the_tests_pdf_memo_hands_back_what_weasyprint_makes_and_shares_it_within_the_run() -> None:
    """The root conftest's memo (`_same_html_same_pdf`): the bytes and page count of the real rendering,
    kept for the other xdist worker of the run in the run's directory (`ZHIFA_TEST_PDF_DIR`), as the
    same pair; without xdist nothing is written anywhere."""
    import hashlib
    import os
    from pathlib import Path

    real = rendering.html_to_pdf.__wrapped__  # type: ignore[attr-defined]
    html = f"<p>测试备忘录 {os.getpid()}</p>"  # a page no other process renders
    expected = real(html, title="memo", author="a")
    assert rendering.html_to_pdf(html, title="memo", author="a") == expected
    assert rendering.html_to_pdf(html, title="memo", author="a") == expected  # from the memo
    shared = os.environ.get("ZHIFA_TEST_PDF_DIR")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        assert shared and Path(shared).is_dir()
        key = hashlib.sha256("\0".join((html, "memo", "a")).encode()).hexdigest()
        assert (Path(shared) / f"{key}.pdf").read_bytes() == b"%d\n" % expected[1] + expected[0]
    else:
        assert not shared


def test_fonts_are_subset_in_one_pass_to_the_bytes_weasyprint_makes_in_two(monkeypatch) -> None:
    """`rendering._subset_in_one_pass` stands in for WeasyPrint's own subsetting (one HarfBuzz pass
    instead of two): every font of a 文书 and of a page mixing fonts (a TrueType family, the fallback for
    an emoji, a character no font has) must come out byte for byte as WeasyPrint's code makes it, or the
    same HTML would no longer give the PDF stored for it."""
    from weasyprint.pdf.fonts import Font

    real = getattr(rendering.html_to_pdf, "__wrapped__", rendering.html_to_pdf)
    real("<p>甲</p>")  # installs the one-pass subsetting
    assert Font._harfbuzz_subset is rendering._subset_in_one_pass, (
        "WeasyPrint is not the release the one-pass subsetting was checked against "
        f"({rendering.SUBSET_CHECKED_VERSION}): compare the two again, then update SUBSET_CHECKED_VERSION"
    )
    compared: list[tuple[str, bool]] = []

    def both(font: Font, to_unicode: dict[int, str], hinting: bool) -> None:
        whole = font.file_content
        rendering._STOCK_SUBSET(font, to_unicode, hinting)
        theirs, font.file_content = font.file_content, whole
        rendering._subset_in_one_pass(font, to_unicode, hinting)
        assert font.file_content == theirs, font.family
        compared.append((font.family, "CFF " in font.tables))

    monkeypatch.setattr(Font, "_harfbuzz_subset", both)
    filing = rendering.render_html(
        catalogue.builtin_body("filing_approval"), sample_context("filing_approval"), title="t"
    )
    # the fonts pdf_glyphs renumbers are subset by it (documents/tests/test_pdf_glyphs.py); the one-pass
    # subsetting serves every other font, and the CJK font whenever it is not renumbered
    from zhifa.enforcement.documents import pdf_glyphs

    pdf_glyphs.uninstall()
    try:
        real(filing, title="t")
        mixed = '<p style="font-family: DejaVu Serif">Zhifa ∑ é ﬁ</p><p>执法 😀 \ue000 𠀀</p>'
        real(rendering.render_html(mixed, {}, title="t"), title="t")
    finally:
        pdf_glyphs.install()
    assert {cff for _family, cff in compared} == {True, False}, compared


# Cells whose text comes back in other styles and documents: the remembered min-content widths must
# never answer a call whose style differs in anything the call reads.
_STYLED_CELLS = """<table><tr><td>当事人涉嫌违反城市道路管理条例</td><td>执法 文书 abc def</td></tr>
<tr><td style="letter-spacing: 2pt">当事人涉嫌违反城市道路管理条例</td><td style="font-size: 16pt">执法 文书 abc def</td></tr>
<tr><td style="white-space: nowrap">当事人涉嫌违反城市道路管理条例</td><td style="word-break: break-all">verylongword执法</td></tr>
<tr><td style="font-family: DejaVu Serif">Zhifa ∑ é ﬁ 执法</td><td lang="en" style="hyphens: auto">hyphenation extraordinary</td></tr>
</table>"""


def _sources() -> list[str]:
    pages = [
        rendering.render_html(catalogue.builtin_body(code), sample_context(code), title="t")
        for code in [k.code for k in catalogue.KINDS]
    ]
    return [*pages, rendering.render_html(_STYLED_CELLS, {}, title="t")]


def test_the_speedups_give_the_bytes_weasyprint_makes() -> None:
    """`pdf_speedups` (remembered min-content widths, the font file read only if used) must give every
    builtin 文书 and a page of one text in several styles byte for byte as WeasyPrint's own code does,
    from an empty memory and from a full one."""
    from zhifa.enforcement.documents import pdf_speedups

    real = getattr(rendering.html_to_pdf, "__wrapped__", rendering.html_to_pdf)
    real("<p>甲</p>")  # installs them
    assert pdf_speedups._STOCK_SPLIT is not None, "not installed on this WeasyPrint release"
    pages = _sources()
    try:
        pdf_speedups.uninstall()
        theirs = [real(html, title="t", author="a") for html in pages]
    finally:
        pdf_speedups.install()
    pdf_speedups.memo_clear()
    hits, held = pdf_speedups.stats["hits"], pdf_speedups.stats["held"]
    cold = [real(html, title="t", author="a") for html in pages]
    warm = [real(html, title="t", author="a") for html in reversed(pages)][::-1]
    assert cold == theirs
    assert warm == theirs
    assert pdf_speedups.stats["hits"] > hits  # the memory did answer
    assert pdf_speedups.stats["held"] > held  # and styles already checked were not checked again


def test_pages_with_their_own_fonts_are_not_answered_from_memory() -> None:
    """A stylesheet's `@font-face` adds fonts to the thread's font configuration: widths remembered
    with the fonts before could be wrong after, so such a configuration is never answered from memory
    (in a thread of its own here, so the added font stays out of the other tests' configuration)."""
    import base64
    import threading
    from pathlib import Path

    from zhifa.enforcement.documents import pdf_speedups

    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        pytest.skip("DejaVu Sans is not installed")
    data = base64.b64encode(font.read_bytes()).decode()
    html = (
        f"<style>@font-face {{ font-family: Own; src: url(data:font/ttf;base64,{data}); }}</style>"
        '<table><tr><td style="font-family: Own">Zhifa 执法</td></tr></table>'
    )
    real = getattr(rendering.html_to_pdf, "__wrapped__", rendering.html_to_pdf)
    seen: list[int] = []

    def render() -> None:
        before = pdf_speedups.stats["unremembered"]
        real(html, title="t")
        seen.append(pdf_speedups.stats["unremembered"] - before)

    worker = threading.Thread(target=render)
    worker.start()
    worker.join()
    assert seen and seen[0] > 0


def _streams(pdf: bytes) -> list[bytes]:
    """Every stream of a PDF as written (pydyf puts each between `stream` and `endstream` lines)."""
    import re

    return re.findall(rb"\nstream\n(.*?)\nendstream", pdf, flags=re.DOTALL)


def test_pdf_streams_are_deflated_at_our_level_and_inflate_to_what_pydyf_writes(monkeypatch) -> None:
    """`rendering.PDF_DEFLATE_LEVEL` stands in for pydyf's level 9 (the font subset is most of a 文书's
    bytes and most of the time spent deflating): every stream inflates to the very bytes pydyf packs at
    its own level, is packed at ours, and the PDF stays within a few per cent of the size."""
    import zlib

    import pydyf

    real = getattr(rendering.html_to_pdf, "__wrapped__", rendering.html_to_pdf)
    html = rendering.render_html(
        catalogue.builtin_body("filing_approval"), sample_context("filing_approval"), title="t"
    )
    ours, _ = real(html, title="t", author="a")
    monkeypatch.setattr(pydyf, "zlib", zlib)  # pydyf's own level
    theirs, _ = real(html, title="t", author="a")
    packed, stock = _streams(ours), _streams(theirs)
    assert len(packed) == len(stock) >= 4
    inflated = [zlib.decompress(s) for s in packed]
    # the last stream is the cross-reference table: byte offsets, which move with the packed sizes
    assert inflated[:-1] == [zlib.decompress(s) for s in stock[:-1]]
    assert packed == [zlib.compress(raw, rendering.PDF_DEFLATE_LEVEL) for raw in inflated]
    assert packed != stock
    assert len(theirs) < len(ours) < len(theirs) * 1.05
    text = PdfReader(io.BytesIO(ours)).pages[0].extract_text()
    assert "立案审批表" in text
    assert text == PdfReader(io.BytesIO(theirs)).pages[0].extract_text()


def test_the_task_workers_threads_load_the_renderer_when_they_start(monkeypatch) -> None:
    """huey runs `warm_renderer` in each worker thread at start-up: the thread's fonts are loaded and
    the stylesheet parsed before its first 文书, not while a user waits for it."""
    import threading

    from huey.contrib.djhuey import HUEY

    from zhifa.enforcement.documents import tasks

    assert HUEY._startup["warm_renderer"] is tasks.warm_renderer
    real = getattr(rendering.html_to_pdf, "__wrapped__", rendering.html_to_pdf)
    monkeypatch.setattr(rendering, "html_to_pdf", real)  # not the tests' memo: really render
    seen: dict[str, object] = {}

    def worker_thread() -> None:
        seen["before"] = getattr(rendering._LOCAL, "font_config", None)
        tasks.warm_renderer()
        seen["after"] = getattr(rendering._LOCAL, "font_config", None)

    thread = threading.Thread(target=worker_thread)
    thread.start()
    thread.join()
    assert seen["before"] is None and seen["after"] is not None
    assert rendering._CSS is not None
