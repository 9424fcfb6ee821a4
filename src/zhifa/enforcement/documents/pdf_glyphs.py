"""The CJK font of a 文书 embedded with its glyphs numbered 1, 2, 3 … instead of by their ids in the
whole font.

WeasyPrint writes each glyph of the page's text by its id in the font file and embeds a subset that
keeps those ids (HarfBuzz's `RETAIN_GIDS`). The Chinese glyphs of Noto Serif CJK sit near the end of
its 65,535, so a one-page 文书's subset of ~140 glyphs carried ~63,000 empty slots: 786 KB before
compression, 14 ms of HarfBuzz and 5 ms of deflate in every rendering, 166 KB of every PDF.

Here the subset keeps only the glyphs used, renumbered in their order (HarfBuzz's subset plan gives
the old → new ids), and every place of the PDF that names a glyph says its new id:
- the text of the pages: WeasyPrint's `Stream.show_text` now appends a `_GlyphRun` that keeps the
  font it was drawn with and writes its glyph codes through that font's new ids when the PDF is
  written (after the fonts are built);
- the widths array (`/W`) and the ToUnicode map: the fonts' `widths` and `to_unicode` are renumbered
  while WeasyPrint builds the font dictionaries, and put back after;
- the font itself: a CID-keyed CFF font (every Noto CJK face) maps a character id to a glyph through
  its charset, which HarfBuzz leaves as the old ids; it is rewritten to the identity (character id
  = glyph id), so a reader that looks the id up in the charset (MuPDF, pdf.js) and one that takes it
  as the glyph's index (PDFium, Chrome's viewer) draw the same glyph. Only that: without it, the tenth
  session found PDFium drawing wrong glyphs (docs/benchmarks.md).

A font is renumbered only when all of that is sure to hold: CFF outlines, no variation axes, no
colour or bitmap glyphs, no character the fonts lack (WeasyPrint's .notdef stand-ins use ids past the
font's end), not used in a form, subsetting on, HarfBuzz's mapping complete and the charset
rewritable in place. Any other font is embedded as WeasyPrint embeds it. Installed with the other
speedups, on the WeasyPrint release it was checked against (`rendering._install_one_pass_subset`);
documents/tests/test_pdf_glyphs.py checks every built-in 文书 against WeasyPrint's own PDF (the same
pixels drawn by PDFium, the same text read back, a glyph order that is the identity) and the outline
and advance behind every new id of the 行政处罚决定书 against the old id's in the whole font.
"""

from __future__ import annotations

import re
import struct
from typing import Any

import pydyf

# HarfBuzz's subset plan (public since 4.0; Debian bookworm has 6.0), not in WeasyPrint's declarations
_CDEF = """
typedef struct hb_map_t hb_map_t;
typedef struct hb_subset_plan_t hb_subset_plan_t;
hb_subset_plan_t * hb_subset_plan_create_or_fail (hb_face_t *face, const hb_subset_input_t *input);
void hb_subset_plan_destroy (hb_subset_plan_t *plan);
const hb_map_t * hb_subset_plan_old_to_new_glyph_mapping (const hb_subset_plan_t *plan);
hb_face_t * hb_subset_plan_execute_or_fail (hb_subset_plan_t *plan);
hb_codepoint_t hb_map_get (const hb_map_t *map, hb_codepoint_t key);
"""
_MISSING = 0xFFFFFFFF  # HB_MAP_VALUE_INVALID
# the tables WeasyPrint 70's subsetting drops
_DROPPED_TABLES = (
    b"BASE",
    b"DSIG",
    b"EBDT",
    b"EBLC",
    b"EBSC",
    b"GPOS",
    b"GSUB",
    b"JSTF",
    b"LTSH",
    b"PCLT",
    b"SVG ",
)
_HEX = re.compile(rb"<([0-9a-f]*)>")

_STOCK: dict[str, Any] = {}
stats = {"renumbered": 0, "kept": 0}


class _GlyphRun(pydyf.Object):  # type: ignore[misc]
    """One `[…] TJ` of a page: its glyph codes written through the font's new ids, if it has them, when
    the PDF is written. pydyf writes an item of a stream that is a `pydyf.Object` through its `data`."""

    def __init__(self, fonts: dict[Any, Any], font: str | None, text: bytes) -> None:
        # not pydyf.Object.__init__: a run is never an indirect object of its own
        self.fonts, self.font, self.text = fonts, font, text

    @property
    def data(self) -> bytes:
        ids = _new_ids(self.fonts, self.font)
        if ids is None:
            return b"[" + self.text + b"] TJ"

        def renumbered(match: re.Match[bytes]) -> bytes:
            codes = match.group(1)
            return b"<%s>" % b"".join(
                b"%04x" % ids[int(codes[i : i + 4], 16)] for i in range(0, len(codes), 4)
            )

        return b"[" + _HEX.sub(renumbered, self.text) + b"] TJ"


def _new_ids(fonts: dict[Any, Any], font_hash: str | None) -> dict[int, int] | None:
    for font in fonts.values():
        if font.hash == font_hash:
            ids: dict[int, int] | None = font.__dict__.get("_zhifa_new_ids")
            return ids
    return None


def _set_font_size(stream: Any, font: str, size: Any) -> None:
    stream.__dict__["_zhifa_font"] = font  # the font the next text is drawn with (`Tf` may be cached)
    _STOCK["set_font_size"](stream, font, size)


def _show_text(stream: Any, text: Any) -> None:
    from pydyf import _to_bytes

    # the bytes pydyf's own show_text writes between the brackets, kept to be renumbered
    stream.stream.append(_GlyphRun(stream._fonts, stream.__dict__.get("_zhifa_font"), _to_bytes(text)))


def _clean(font: Any, to_unicode: Any, hinting: Any) -> None:
    subset = font.__dict__.pop("_zhifa_subset", None)
    if subset is not None:
        font.file_content = subset
        return
    _STOCK["clean"](font, to_unicode, hinting)


def _renumberable(group: list[Any]) -> bool:
    first = group[0]
    return (
        "CFF " in first.tables
        and "fvar" not in first.tables
        and not (first.bitmap or first.png or first.svg or first.colr)
        and not any(font.missing or font.used_in_forms for font in group)
        and bool(any(font.to_unicode for font in group))
    )


def _build_fonts_dictionary(pdf: Any, fonts: dict[Any, Any], compress: Any, subset: Any, options: Any) -> Any:
    groups: dict[str, list[Any]] = {}
    for font in fonts.values():
        groups.setdefault(font.hash, []).append(font)
    put_back: list[tuple[Any, dict[int, Any], dict[int, str]]] = []
    for group in groups.values():
        if not subset or not _renumberable(group):
            stats["kept"] += 1
            continue
        used = {0}
        for font in group:
            used.update(font.to_unicode, font.widths)
        compact = compact_subset(group[0].hb_face, sorted(used), hinting=bool(options["hinting"]))
        if compact is None:
            stats["kept"] += 1
            continue
        content, new_ids = compact
        stats["renumbered"] += 1
        for font in group:
            put_back.append((font, font.widths, font.to_unicode))
            font.widths = {new_ids[g]: w for g, w in font.widths.items()}
            font.to_unicode = {new_ids[g]: t for g, t in font.to_unicode.items()}
            font.__dict__["_zhifa_new_ids"] = new_ids
        group[0].__dict__["_zhifa_subset"] = content
    try:
        return _STOCK["build_fonts_dictionary"](pdf, fonts, compress, subset, options)
    finally:
        # a second write of the same document draws its pages again with the ids of the whole font
        for font, widths, to_unicode in put_back:
            font.widths, font.to_unicode = widths, to_unicode
            font.__dict__.pop("_zhifa_subset", None)


def harfbuzz_subset_input(
    glyphs: list[int], *, retain_gids: bool, hinting: bool, notdef_outline: bool
) -> Any:
    """HarfBuzz's subset input as WeasyPrint 70 builds it: `glyphs` (sorted), its flags (keep unknown
    tables, desubroutinize; `RETAIN_GIDS`, `NO_HINTING`, `NOTDEF_OUTLINE` as asked) and the tables it
    drops. Shared by the one-pass subsetting that keeps the ids (`rendering._subset_in_one_pass`) and
    the renumbering one (`compact_subset`), so the two never drift apart."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    subset_input = ffi.gc(
        harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy
    )
    glyph_set = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    # "hb_codepoint_t[]", not WeasyPrint's f"hb_codepoint_t[{n}]": cffi parses each new C type with
    # pycparser (milliseconds), and the glyph count differs from one document to the next.
    harfbuzz.hb_set_add_sorted_array(glyph_set, ffi.new("hb_codepoint_t[]", glyphs), len(glyphs))
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    )
    if retain_gids:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if notdef_outline:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    dropped = harfbuzz_subset.hb_subset_input_set(subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    tags = sorted(harfbuzz.hb_tag_from_string(name, -1) for name in _DROPPED_TABLES)
    harfbuzz.hb_set_add_sorted_array(dropped, ffi.new("hb_codepoint_t[]", tags), len(tags))
    return subset_input


def compact_subset(hb_face: Any, glyphs: list[int], *, hinting: bool) -> tuple[bytes, dict[int, int]] | None:
    """The font of `hb_face` reduced to `glyphs` (sorted, with 0), renumbered, its CFF charset the
    identity; and each old id's new one. None when HarfBuzz cannot make it or the charset cannot be
    rewritten in place. The tables WeasyPrint drops and its flags, but `RETAIN_GIDS`."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    subset_input = harfbuzz_subset_input(glyphs, retain_gids=False, hinting=hinting, notdef_outline=False)
    plan = harfbuzz_subset.hb_subset_plan_create_or_fail(hb_face, subset_input)
    if plan == ffi.NULL:
        return None
    plan = ffi.gc(plan, harfbuzz_subset.hb_subset_plan_destroy)
    mapping = harfbuzz_subset.hb_subset_plan_old_to_new_glyph_mapping(plan)
    new_ids = {g: int(harfbuzz_subset.hb_map_get(mapping, g)) for g in glyphs}
    if any(new == _MISSING for new in new_ids.values()):
        return None
    face = harfbuzz_subset.hb_subset_plan_execute_or_fail(plan)
    if face == ffi.NULL:
        return None
    face = ffi.gc(face, harfbuzz.hb_face_destroy)
    content = get_hb_object_data(face)
    if not content:
        return None
    content = identity_charset(content)
    return None if content is None else (content, new_ids)


# --- the CFF charset ---------------------------------------------------------------------------------


def _tables(font: bytes) -> dict[bytes, tuple[int, int, int]]:
    """An OpenType file's tables: tag → (position of its record, offset, length)."""
    (count,) = struct.unpack_from(">H", font, 4)
    tables = {}
    for i in range(count):
        record = 12 + 16 * i
        tag, _checksum, offset, length = struct.unpack_from(">4sIII", font, record)
        tables[tag] = (record, offset, length)
    return tables


def _index(data: bytes, pos: int) -> tuple[list[bytes], int]:
    """A CFF INDEX at `pos`: its items and the position after it."""
    (count,) = struct.unpack_from(">H", data, pos)
    if count == 0:
        return [], pos + 2
    size = data[pos + 2]
    offsets = [
        int.from_bytes(data[pos + 3 + i * size : pos + 3 + (i + 1) * size], "big") for i in range(count + 1)
    ]
    start = pos + 3 + (count + 1) * size - 1  # offsets count from 1
    return [data[start + offsets[i] : start + offsets[i + 1]] for i in range(count)], start + offsets[-1]


def _dict(data: bytes) -> dict[int, list[float]]:
    """A CFF DICT: operator (an escaped one as 1200 + its second byte) → its operands."""
    out: dict[int, list[float]] = {}
    operands: list[float] = []
    i = 0
    while i < len(data):
        b = data[i]
        if b <= 21:
            op = b
            if b == 12:
                i += 1
                op = 1200 + data[i]
            out[op], operands = operands, []
            i += 1
        elif b == 28:
            operands.append(struct.unpack_from(">h", data, i + 1)[0])
            i += 3
        elif b == 29:
            operands.append(struct.unpack_from(">i", data, i + 1)[0])
            i += 5
        elif b == 30:  # a real: nibbles up to 0xf (its value is not needed here)
            i += 1
            while data[i] & 0x0F != 0x0F and data[i] >> 4 != 0x0F:
                i += 1
            operands.append(0.0)
            i += 1
        elif b <= 246:
            operands.append(b - 139)
            i += 1
        elif b <= 250:
            operands.append((b - 247) * 256 + data[i + 1] + 108)
            i += 2
        elif b <= 254:
            operands.append(-(b - 251) * 256 - data[i + 1] - 108)
            i += 2
        else:
            raise ValueError("reserved byte in a CFF DICT")
    return out


def _checksum(data: bytes | bytearray) -> int:
    """OpenType's checksum: the sum of the big-endian 32-bit words, the last one padded with zeros."""
    padded = bytes(data) + b"\0" * (-len(data) % 4)
    words: tuple[int, ...] = struct.unpack(f">{len(padded) // 4}I", padded)
    return sum(words) & 0xFFFFFFFF


def identity_charset(font: bytes) -> bytes | None:
    """`font` (OpenType, CFF outlines) with its CID-keyed charset made the identity: glyph i is
    character id i. A name-keyed font is returned as it is (its character ids are its glyph ids); None
    when the new charset does not fit where the old one was (never for a subset of more than two
    glyphs: the identity is one range) or the font is not as expected. The 'CFF ' table's checksum and
    the file's (`head.checkSumAdjustment`) are brought up to date."""
    try:
        tables = _tables(font)
        record, base, length = tables[b"CFF "]
        cff = font[base : base + length]
        _names, pos = _index(cff, cff[2])
        tops, _pos = _index(cff, pos)
        top = _dict(tops[0])
        if 1230 not in top:  # ROS: not CID-keyed
            return font
        charset_at = int(top[15][0])
        (glyphs,) = struct.unpack_from(">H", cff, int(top[17][0]))  # the CharStrings INDEX's count
        if charset_at < 3 or glyphs < 2:  # a predefined charset is never CID-keyed
            return None
        kind = cff[charset_at]
        if kind == 0:
            old = 1 + 2 * (glyphs - 1)
        elif kind in (1, 2):
            pos, covered = charset_at + 1, 0
            while covered < glyphs - 1:
                left = cff[pos + 2] if kind == 1 else struct.unpack_from(">H", cff, pos + 2)[0]
                covered += left + 1
                pos += 3 if kind == 1 else 4
            old = pos - charset_at
        else:
            return None
        left = glyphs - 2
        new = struct.pack(">BHB", 1, 1, left) if left <= 255 else struct.pack(">BHH", 2, 1, left)
        if len(new) > old:
            return None
        patched = bytearray(font)
        patched[base + charset_at : base + charset_at + len(new)] = new
        struct.pack_into(">I", patched, record + 4, _checksum(patched[base : base + length]))
        _record, head, _length = tables[b"head"]
        struct.pack_into(">I", patched, head + 8, 0)
        struct.pack_into(">I", patched, head + 8, (0xB1B0AFBA - _checksum(patched)) & 0xFFFFFFFF)
        return bytes(patched)
    except (KeyError, IndexError, ValueError, struct.error):
        return None


def install() -> None:
    """Put it in place (once per process; the caller holds the install lock and checked the release)."""
    if _STOCK:
        return
    import weasyprint.pdf
    from weasyprint.pdf import fonts
    from weasyprint.pdf.stream import Stream
    from weasyprint.text.ffi import ffi, harfbuzz_subset

    try:
        harfbuzz_subset.hb_subset_plan_old_to_new_glyph_mapping  # noqa: B018 — declared already?
    except AttributeError:
        ffi.cdef(_CDEF)
    try:
        harfbuzz_subset.hb_subset_plan_old_to_new_glyph_mapping  # noqa: B018 — in this HarfBuzz?
    except AttributeError:
        return  # HarfBuzz before 4.0: WeasyPrint's own embedding
    _STOCK.update(
        set_font_size=Stream.set_font_size,
        show_text=Stream.__dict__.get("show_text"),
        clean=fonts.Font.clean,
        build_fonts_dictionary=weasyprint.pdf.build_fonts_dictionary,
    )
    Stream.set_font_size = _set_font_size
    Stream.show_text = _show_text
    fonts.Font.clean = _clean
    weasyprint.pdf.build_fonts_dictionary = _build_fonts_dictionary


def uninstall() -> None:
    """WeasyPrint's own embedding again (the tests that compare both)."""
    if not _STOCK:
        return
    import weasyprint.pdf
    from weasyprint.pdf import fonts
    from weasyprint.pdf.stream import Stream

    Stream.set_font_size = _STOCK["set_font_size"]
    if _STOCK["show_text"] is None:
        del Stream.show_text
    else:
        Stream.show_text = _STOCK["show_text"]
    fonts.Font.clean = _STOCK["clean"]
    weasyprint.pdf.build_fonts_dictionary = _STOCK["build_fonts_dictionary"]
    _STOCK.clear()
