"""From a 文书 template and a context to a PDF: Django's template engine, then WeasyPrint.

Templates are edited by administrators, so they run in a closed engine: no template loaders (no
`{% include %}` of files), only the built-in tags and our `wenshu` filters, autoescaping on, and a
context of plain values (never model instances, whose attributes would reach further than the
document needs). WeasyPrint fetches nothing from the network: the URL fetcher allows only `data:` URLs,
so a template cannot make the server request an address.

The CJK font is the Debian package fonts-noto-cjk (Noto Serif/Sans CJK SC), found through fontconfig;
WeasyPrint embeds the subset of glyphs used (HarfBuzz subsetting), so a PDF reads the same on a
machine without the font.
"""

from __future__ import annotations

import io
import threading
import zlib
from dataclasses import dataclass
from typing import Any

from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput
from zhifa.enforcement.documents import pdf_glyphs, pdf_speedups

# One font file, regular weight only. Every font file embedded costs a HarfBuzz subsetting pass per
# PDF (most of the rendering time of a one-page 文书) and, because WeasyPrint keeps glyph ids in CJK
# subsets, about 100 KB of PDF. Titles stand out by size and spacing, as 小标宋 titles do.
BODY_FONT = "Noto Serif CJK SC"
HEADING_FONT = BODY_FONT

BASE_CSS = f"""
@page {{
  size: A4;
  margin: 25mm 22mm 22mm 25mm;
  @bottom-center {{ content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 9pt; color: #444; }}
}}
html {{ font-family: "{BODY_FONT}"; font-weight: normal; font-size: 12pt; line-height: 1.75; color: #000; }}
h1 {{ font-family: "{HEADING_FONT}"; font-size: 20pt; text-align: center; letter-spacing: 2pt;
      margin: 0 0 2mm; font-weight: normal; }}
.agency {{ text-align: center; font-size: 15pt; letter-spacing: 1pt; margin: 0; }}
.number {{ text-align: right; margin: 2mm 0 6mm; }}
p {{ margin: 0 0 2mm; text-indent: 2em; text-align: justify; }}
p.noindent, .kv p {{ text-indent: 0; }}
h2 {{ font-size: 13pt; font-weight: normal; letter-spacing: 0.5pt; margin: 5mm 0 2mm; }}
table {{ width: 100%; border-collapse: collapse; margin: 2mm 0 4mm; font-size: 10.5pt; }}
th, td {{ border: 0.6pt solid #000; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }}
th {{ background: #f2f2f2; font-weight: normal; white-space: nowrap; }}
td.label {{ width: 24%; background: #fafafa; }}
.hash {{ font-size: 7.5pt; word-break: break-all; letter-spacing: 0.2pt; }}
.seal {{ margin-top: 12mm; text-align: right; line-height: 2.2; }}
.sign {{ margin-top: 8mm; }}
.small {{ font-size: 9.5pt; color: #333; }}
blockquote {{ margin: 1mm 0 3mm 2em; padding-left: 3mm; border-left: 1.5pt solid #888; font-size: 10.5pt; }}
"""

_ENGINE = Engine(
    dirs=[],
    app_dirs=False,
    loaders=[],
    libraries={},
    builtins=["zhifa.enforcement.documents.templatetags.wenshu"],
    autoescape=True,
    string_if_invalid="",
    debug=False,
)


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    html: str


class TemplateInvalid(InvalidInput):
    code = "template_invalid"


def compile_template(source: str) -> Any:
    """Compile a template body, turning a syntax error into a translated refusal."""
    try:
        return _ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateInvalid(
            _("The template has an error: %(error)s") % {"error": exc}, detail={"error": str(exc)}
        ) from exc


def render_html(source: str, context: dict[str, Any], *, title: str) -> str:
    template = compile_template(source)
    try:
        body = template.render(Context(context, autoescape=True))
    except (TemplateDoesNotExist, TemplateSyntaxError) as exc:
        raise TemplateInvalid(
            _("The template has an error: %(error)s") % {"error": exc}, detail={"error": str(exc)}
        ) from exc
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{_escape(title)}</title></head><body>{body}</body></html>"
    )


def _escape(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


_FETCHER: Any = None


def _no_network() -> Any:
    """A URL fetcher that only opens `data:` URLs (embedded images); anything else is skipped."""
    global _FETCHER  # noqa: PLW0603 — one per process; it holds no state between renderings
    if _FETCHER is None:
        from weasyprint.urls import URLFetcher

        _FETCHER = URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
    return _FETCHER


_CSS: Any = None


def _stylesheet() -> Any:
    global _CSS  # noqa: PLW0603 — parsed once per process; WeasyPrint stylesheets are immutable
    if _CSS is None:
        from weasyprint import CSS

        _CSS = CSS(string=BASE_CSS, url_fetcher=_no_network())
    return _CSS


_LOCAL = threading.local()


def _font_config() -> Any:
    """One font configuration per thread: loading the CJK fonts once instead of per document saves
    about a fifth of the rendering time (Pango's font map is not shared across threads)."""
    config = getattr(_LOCAL, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _LOCAL.font_config = FontConfiguration()
    return config


# The WeasyPrint release whose font subsetting `_subset_in_one_pass` was checked against, byte for byte
# (documents/tests/test_rendering.py subsets every font of its renderings both ways and compares).
SUBSET_CHECKED_VERSION = "70.0"


def _subset_in_one_pass(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
    """WeasyPrint 70's `Font._harfbuzz_subset`, in one HarfBuzz pass instead of two, same bytes out.

    WeasyPrint subsets a font twice: first to the glyphs used, keeping their ids (the PDF's text refers
    to glyphs by their id in the whole font), then a second time to the glyphs 0…(last used id) without
    hinting. The first pass already ends at the last used id, so the second one only strips the hints —
    at the cost of walking every glyph below the last used one again. Our CJK glyphs sit near the end
    of Noto Serif CJK's 65,535 (the SC forms: ids up to ~63,000), so that walk was 30–55 ms of CPU of a
    130–190 ms rendering (docs/benchmarks.md, "文书 rendering CPU"). For a CFF-outline font (OpenType "OTTO", as every Noto CJK face), asking the first pass
    not to keep hints (HB_SUBSET_FLAGS_NO_HINTING) gives the very same font file, so stored PDFs are
    reproduced byte for byte. TrueType-outline fonts (DejaVu, reached by an administrator's
    `font-family` or as the fallback for a character Noto lacks) come out a few bytes different from
    one pass, so they keep WeasyPrint's two; they are small fonts and cheap to subset twice."""
    if "CFF " not in font.tables:
        _STOCK_SUBSET(font, to_unicode, hinting)
        return
    from weasyprint.logger import LOGGER
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    subset_input = pdf_glyphs.harfbuzz_subset_input(
        sorted(to_unicode), retain_gids=True, hinting=hinting, notdef_outline=bool(font.missing)
    )
    face = ffi.gc(harfbuzz_subset.hb_subset_or_fail(font.hb_face, subset_input), harfbuzz.hb_face_destroy)
    if face:
        content = get_hb_object_data(face)
        if content:
            font.file_content = content
            return
    LOGGER.warning('Unable to subset "%s" with HarfBuzz', font.family)


# pydyf, WeasyPrint's PDF writer, deflates every stream at zlib's level 9. Nearly all of a 文书's bytes
# are its CJK font subset (~790 KB before compression, mostly the empty slots of the glyph ids WeasyPrint
# keeps), and level 9 spent 19-25 ms of a ~80 ms rendering on it; level 1 takes 8-9 ms for a PDF about
# 2 % larger (docs/benchmarks.md, "Issue 22, tenth session"). The content is the same, only the effort
# spent packing it changes: every PDF reader inflates any level the same way.
PDF_DEFLATE_LEVEL = 1


class _Deflate:
    """What pydyf sees as its `zlib`: the real module, but `compressobj` at PDF_DEFLATE_LEVEL whatever
    level pydyf asks for."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:  # the level asked is not used
        return zlib.compressobj(PDF_DEFLATE_LEVEL, *args, **kwargs)


_STOCK_SUBSET: Any = None
_INSTALL_LOCK = threading.Lock()


def _install_one_pass_subset() -> None:
    """Replace WeasyPrint's two-pass subsetting with `_subset_in_one_pass`, once per process, and only
    on the release it was checked against (another release keeps its own code until checked again).
    Under a lock: a second thread must not take the replacement for WeasyPrint's method, which
    `_subset_in_one_pass` calls for TrueType fonts."""
    global _STOCK_SUBSET  # noqa: PLW0603 — the stock method, kept for TrueType fonts and for the test
    if _STOCK_SUBSET is not None:
        return
    import pydyf
    import weasyprint
    from weasyprint.pdf.fonts import Font

    with _INSTALL_LOCK:
        if _STOCK_SUBSET is None:
            # on any release: it changes nothing but the deflate level
            pydyf.zlib = _Deflate()  # type: ignore[attr-defined]
            _STOCK_SUBSET = Font._harfbuzz_subset
            if weasyprint.__version__ == SUBSET_CHECKED_VERSION:
                Font._harfbuzz_subset = _subset_in_one_pass
                # the remembered min-content widths and the font file read only if used, checked
                # against the same release (documents/pdf_speedups.py)
                pdf_speedups.install()
                # the CJK font's glyphs renumbered 1, 2, 3 … (documents/pdf_glyphs.py)
                pdf_glyphs.install()


def html_to_pdf(html: str, *, title: str = "", author: str = "") -> tuple[bytes, int]:
    from weasyprint import HTML

    _install_one_pass_subset()
    document = HTML(string=html, url_fetcher=_no_network(), base_url=None).render(
        stylesheets=[_stylesheet()], font_config=_font_config()
    )
    document.metadata.title = title
    document.metadata.authors = [author] if author else []
    document.metadata.generator = "Zhifa"
    out = io.BytesIO()
    document.write_pdf(out)
    return out.getvalue(), len(document.pages)


def warm_up() -> None:
    """Render a one-line page, so that this thread's first 文书 finds everything loaded (the task
    worker's threads call it at start-up: documents/tasks.py)."""
    html_to_pdf("<p>执法文书</p>", title="warm-up")


def render_pdf(source: str, context: dict[str, Any], *, title: str, author: str = "") -> Rendered:
    html = render_html(source, context, title=title)
    pdf, pages = html_to_pdf(html, title=title, author=author)
    return Rendered(pdf=pdf, pages=pages, html=html)


# Anything an administrator's template makes bold would pull in the bold font file again.
BASE_CSS += "b, strong, th, h1, h2, h3, h4 { font-weight: normal; }\n"
# Forms that must stay on one sheet (法制审核意见书): tighter rows and signature block.
BASE_CSS += "table.compact th, table.compact td { padding: 0.8mm 2mm; } .seal.tight { margin-top: 6mm; line-height: 1.8; }\n"
