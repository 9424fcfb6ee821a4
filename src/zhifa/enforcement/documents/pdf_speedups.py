"""Two savings in WeasyPrint's work per 文书, each giving the very bytes WeasyPrint's own code gives
(`rendering._install_one_pass_subset` installs them with the one-pass font subsetting, on the release they were
checked against; documents/tests/test_rendering.py renders with and without them and compares).

1. Min-content widths remembered across renderings (`split_first_line_remembered`). A table's columns
   are sized from each cell's narrowest possible width: WeasyPrint lays the cell's text out with no
   room at all, once per break opportunity — for Chinese text, once per character, each time the whole
   rest of the text (a Pango layout per call). That was ~40 % of the CPU of a 立案审批表. The same cell
   texts (labels, the legal provisions quoted, the tails of facts after a case's own words) come back
   document after document, so the answer of one such call is kept, keyed by its text and arguments,
   together with every style property the call read and its value: a later call is answered from
   memory only when its style holds the same values for all of them, i.e. when WeasyPrint's code
   would have taken the same path through the same inputs. The style is handed to the call behind a
   stand-in (`_StyleReads`) that notes what is read and refuses anything else (the call then runs
   again on the real style, unremembered). A style found to hold a read set keeps a note of it, so the
   many calls for one cell's text (one per character) check its values once. Documents whose stylesheet loads its own fonts
   (`@font-face`) change the fonts the answers came from: they are never answered from memory.
   Bounded by the characters and entries kept (`MEMO_MAX_CHARS`, `MEMO_MAX_ENTRIES`, least recently
   used first out): some 30 MB at most.

2. The font file read only if used (`lazy_font_file`). WeasyPrint's `Font()` copies the whole font
   file out of HarfBuzz (26 MB for Noto Serif CJK, ~4 ms of CPU per 文书) and the subsetting then
   replaces it with the subset, never reading the copy. The copy is now made when something reads it
   (a font that cannot be subset, a variable or colour font), from the same face: the same bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

# A text longer than this is laid out as before, not remembered (its suffixes would cost memory
# quadratic in its length); all remembered texts together stay under MEMO_MAX_CHARS characters.
MEMO_MAX_TEXT = 1_000
MEMO_MAX_CHARS = 2_000_000
MEMO_MAX_ENTRIES = 50_000
MEMO_MAX_VARIANTS = 8  # styles remembered per text (a text set in many styles is rare)

_STOCK_SPLIT: Any = None
_memo: OrderedDict[tuple[Any, ...], list[tuple[tuple[tuple[str, Any], ...], tuple[Any, ...]]]] = OrderedDict()
_memo_chars = 0
_memo_lock = threading.Lock()
# One tuple per distinct set of style reads (most calls of a document read the same values): an entry
# then costs its text and a few numbers, not its own copy of ~26 properties.
_reads_interned: dict[tuple[tuple[str, type, str], ...], tuple[tuple[str, Any], ...]] = {}
stats = {"hits": 0, "held": 0, "misses": 0, "unremembered": 0}


class _StyleReads:
    """A computed style as one `split_first_line` call sees it, noting each property read and its
    value. Only item reads and the font configuration are offered: any other use of the style raises
    AttributeError, and the call is then made again on the style itself and not remembered."""

    __slots__ = ("_style", "reads")

    def __init__(self, style: Any) -> None:
        self._style = style
        self.reads: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        value = self._style[key]
        self.reads.setdefault(key, value)
        return value

    @property
    def font_config(self) -> Any:
        return self._style.font_config


def _identical(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (0 and 0.0 are not the same input to WeasyPrint's
    arithmetic, nor are they inside a dimension)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _same(style: Any, reads: tuple[tuple[str, Any], ...]) -> bool:
    return all(_identical(style[key], value) for key, value in reads)


def split_first_line_remembered(
    text: str,
    style: Any,
    context: Any,
    max_width: Any,
    justification_spacing: Any,
    *,
    is_line_start: bool = True,
    minimum: bool = False,
) -> Any:
    """`weasyprint.text.line_break.split_first_line` for the intrinsic widths
    (`weasyprint.layout.preferred`, which reads only the resume index and the width of the answer:
    an answer from memory carries no Pango layout)."""
    global _memo_chars  # noqa: PLW0603 — the memo's size, under _memo_lock
    args = (text, style, context, max_width, justification_spacing)
    if len(text) > MEMO_MAX_TEXT or style.font_config._folder is not None:  # @font-face fonts loaded
        stats["unremembered"] += 1
        return _STOCK_SPLIT(*args, is_line_start=is_line_start, minimum=minimum)
    key = (text, max_width, justification_spacing, is_line_start, minimum)
    with _memo_lock:
        variants = _memo.get(key)
        if variants is not None:
            _memo.move_to_end(key)
            variants = list(variants)
    if variants:
        # The read sets this very style was already found to hold (WeasyPrint's layout never assigns a
        # text property of a style it has begun to lay out: it copies the style first, and a copy starts
        # with none); kept on the style, so they go with it, and each by reference, so an id is never
        # taken for another's.
        held: dict[int, Any] | None = style.__dict__.get("_zhifa_reads_held")
        for reads, answer in variants:
            if held is not None and held.get(id(reads)) is reads:
                stats["hits"] += 1
                stats["held"] += 1
                return (None, *answer)
            if _same(style, reads):
                if held is None:
                    held = style.__dict__["_zhifa_reads_held"] = {}
                held[id(reads)] = reads
                stats["hits"] += 1
                return (None, *answer)
    recorder = _StyleReads(style)
    try:
        result = _STOCK_SPLIT(text, recorder, context, max_width, justification_spacing,
                              is_line_start=is_line_start, minimum=minimum)  # fmt: skip
    except AttributeError:
        stats["unremembered"] += 1
        return _STOCK_SPLIT(*args, is_line_start=is_line_start, minimum=minimum)
    stats["misses"] += 1
    reads = tuple(recorder.reads.items())
    with _memo_lock:
        if len(_reads_interned) > 1_000:
            _reads_interned.clear()
        reads = _reads_interned.setdefault(tuple((k, type(v), repr(v)) for k, v in reads), reads)
        entry = (reads, tuple(result[1:]))
        known = _memo.get(key)
        if known is None:
            _memo[key] = [entry]
            _memo_chars += len(text)
        elif len(known) < MEMO_MAX_VARIANTS:
            known.append(entry)
        while (_memo_chars > MEMO_MAX_CHARS or len(_memo) > MEMO_MAX_ENTRIES) and _memo:
            old, _ = _memo.popitem(last=False)
            _memo_chars -= len(old[0])
    return result


def memo_clear() -> None:
    global _memo_chars  # noqa: PLW0603
    with _memo_lock:
        _memo.clear()
        _reads_interned.clear()
        _memo_chars = 0


# --- the font file, read only if used ------------------------------------------------------------------

_STOCK_FACE_DATA: Any = None
_STOCK_FONT_INIT: Any = None
_LOCAL = threading.local()


class _WholeFace:
    """The whole font file of a HarfBuzz face, not yet copied out (the face is kept alive)."""

    __slots__ = ("face",)

    def __init__(self, face: Any) -> None:
        self.face = face


def _face_data(hb_object: Any, ot_color: Any = None, glyph: Any = None) -> Any:
    """`get_hb_object_data` as `weasyprint.pdf.fonts` calls it: inside `Font()` the whole face is
    handed over uncopied; everywhere else (the stock subsetting) as before."""
    if ot_color is None and glyph is None and getattr(_LOCAL, "in_font_init", False):
        return _WholeFace(hb_object)
    return _STOCK_FACE_DATA(hb_object, ot_color, glyph)


def _font_init(font: Any, *args: Any, **kwargs: Any) -> None:
    _LOCAL.in_font_init = True
    try:
        _STOCK_FONT_INIT(font, *args, **kwargs)
    finally:
        _LOCAL.in_font_init = False


def _get_file_content(font: Any) -> Any:
    content = font.__dict__["_zhifa_file_content"]
    if isinstance(content, _WholeFace):
        content = font.__dict__["_zhifa_file_content"] = _STOCK_FACE_DATA(content.face)
    return content


def _set_file_content(font: Any, content: Any) -> None:
    font.__dict__["_zhifa_file_content"] = content


def install() -> None:
    """Put both in place (once per process; the caller holds the install lock and checked the
    WeasyPrint release)."""
    global _STOCK_SPLIT, _STOCK_FACE_DATA, _STOCK_FONT_INIT  # noqa: PLW0603 — once per process
    from weasyprint.layout import preferred
    from weasyprint.pdf import fonts
    from weasyprint.text import line_break

    if _STOCK_SPLIT is None:
        _STOCK_SPLIT = line_break.split_first_line
        preferred.split_first_line = split_first_line_remembered
    if _STOCK_FONT_INIT is None:
        _STOCK_FACE_DATA = fonts.get_hb_object_data
        _STOCK_FONT_INIT = fonts.Font.__init__
        fonts.get_hb_object_data = _face_data
        fonts.Font.__init__ = _font_init
        fonts.Font.file_content = property(_get_file_content, _set_file_content)


def uninstall() -> None:
    """WeasyPrint's own code again (the test that compares both ways)."""
    global _STOCK_SPLIT, _STOCK_FACE_DATA, _STOCK_FONT_INIT  # noqa: PLW0603
    from weasyprint.layout import preferred
    from weasyprint.pdf import fonts

    if _STOCK_SPLIT is not None:
        preferred.split_first_line = _STOCK_SPLIT
        _STOCK_SPLIT = None
    if _STOCK_FONT_INIT is not None:
        fonts.get_hb_object_data = _STOCK_FACE_DATA
        fonts.Font.__init__ = _STOCK_FONT_INIT
        del fonts.Font.file_content
        _STOCK_FACE_DATA = _STOCK_FONT_INIT = None
    memo_clear()
