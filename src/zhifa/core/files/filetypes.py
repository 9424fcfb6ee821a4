"""The type of a stored file, from its first bytes (never from its name or the client's header).

A name or a Content-Type can say anything; the signature at the start of the content is what a
viewer will actually open. We recognise the formats that body cameras, phones, scanners and office
software produce and return None for everything else (executables, archives, unknown binaries); each
domain decides which families it accepts (evidence: `evidence.kinds`, complaints: `attachments`).

Signatures: ISO/IEC 14496-12 (ftyp boxes: MP4, MOV, 3GP, HEIF/HEIC, M4A), RIFF (AVI, WAV, WebP),
EBML (Matroska/WebM), MPEG-TS (0x47 sync every 188 bytes), JPEG/PNG/GIF/TIFF/BMP, MP3 (ID3 or frame
sync), AAC ADTS, AMR, Ogg, FLAC, PDF, OOXML/ODF (ZIP with a known first entry), OLE2 (legacy Office),
RTF, and UTF-8 text.
"""

from __future__ import annotations

from dataclasses import dataclass

HEAD_BYTES = 8192  # enough for every signature below, and for the text heuristic


@dataclass(frozen=True)
class FileType:
    mime: str
    family: str  # image | video | audio | document | text
    label: str  # short human name, e.g. "MP4 视频"


JPEG = FileType("image/jpeg", "image", "JPEG 图片")
PNG = FileType("image/png", "image", "PNG 图片")
GIF = FileType("image/gif", "image", "GIF 图片")
WEBP = FileType("image/webp", "image", "WebP 图片")
TIFF = FileType("image/tiff", "image", "TIFF 图片")
BMP = FileType("image/bmp", "image", "BMP 图片")
HEIC = FileType("image/heic", "image", "HEIC 图片")
MP4 = FileType("video/mp4", "video", "MP4 视频")
MOV = FileType("video/quicktime", "video", "MOV 视频")
V3GP = FileType("video/3gpp", "video", "3GP 视频")
AVI = FileType("video/x-msvideo", "video", "AVI 视频")
MKV = FileType("video/x-matroska", "video", "MKV 视频")
WEBM = FileType("video/webm", "video", "WebM 视频")
MPEGTS = FileType("video/mp2t", "video", "MPEG-TS 视频")
MPEGPS = FileType("video/mpeg", "video", "MPEG 视频")
MP3 = FileType("audio/mpeg", "audio", "MP3 音频")
M4A = FileType("audio/mp4", "audio", "M4A 音频")
WAV = FileType("audio/wav", "audio", "WAV 音频")
AAC = FileType("audio/aac", "audio", "AAC 音频")
AMR = FileType("audio/amr", "audio", "AMR 音频")
OGG = FileType("audio/ogg", "audio", "Ogg 音频")
FLAC = FileType("audio/flac", "audio", "FLAC 音频")
PDF = FileType("application/pdf", "document", "PDF 文档")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document", "Word 文档"
)
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document", "Excel 表格")
ODF = FileType("application/vnd.oasis.opendocument", "document", "ODF 文档")
OLE = FileType("application/x-ole-storage", "document", "Office 97-2003 文档")
RTF = FileType("application/rtf", "document", "RTF 文档")
TEXT = FileType("text/plain", "text", "文本")

_FTYP_BRANDS: dict[bytes, FileType] = {
    b"qt  ": MOV,
    b"3gp4": V3GP,
    b"3gp5": V3GP,
    b"3gp6": V3GP,
    b"3g2a": V3GP,
    b"heic": HEIC,
    b"heix": HEIC,
    b"heim": HEIC,
    b"heis": HEIC,
    b"mif1": HEIC,
    b"msf1": HEIC,
    b"avif": HEIC,
    b"M4A ": M4A,
    b"M4B ": M4A,
    b"F4A ": M4A,
}


def detect(head: bytes) -> FileType | None:
    """The type of content starting with `head` (at least HEAD_BYTES when the file is that long)."""
    if len(head) < 4:
        return None
    checks = (_images, _iso_media, _riff, _other_video, _audio, _documents)
    for check in checks:
        found = check(head)
        if found is not None:
            return found
    return _text(head)


def _images(h: bytes) -> FileType | None:
    if h.startswith(b"\xff\xd8\xff"):
        return JPEG
    if h.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if h.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if h.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if h.startswith(b"BM") and len(h) >= 18 and h[14:18] in (b"\x28\x00\x00\x00", b"\x7c\x00\x00\x00"):
        return BMP
    return None


def _iso_media(h: bytes) -> FileType | None:
    if len(h) < 12 or h[4:8] != b"ftyp":
        return None
    major = h[8:12]
    if major in _FTYP_BRANDS:
        return _FTYP_BRANDS[major]
    # isom, iso2, mp41, mp42, avc1, dash, MSNV, NDAS … and camera vendors' own brands: MP4.
    return MP4


def _riff(h: bytes) -> FileType | None:
    if not h.startswith(b"RIFF") or len(h) < 12:
        return None
    form = h[8:12]
    return {b"AVI ": AVI, b"WAVE": WAV, b"WEBP": WEBP}.get(form)


def _other_video(h: bytes) -> FileType | None:
    if h.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in h[:64] else MKV
    if h.startswith(b"\x00\x00\x01\xba"):
        return MPEGPS
    if h[0] == 0x47 and len(h) >= 188 * 3 and h[188] == 0x47 and h[376] == 0x47:
        return MPEGTS
    return None


def _audio(h: bytes) -> FileType | None:
    if h.startswith(b"ID3"):
        return MP3
    if h.startswith((b"#!AMR\n", b"#!AMR-WB\n")):
        return AMR
    if h.startswith(b"OggS"):
        return OGG
    if h.startswith(b"fLaC"):
        return FLAC
    if h[0] == 0xFF and len(h) >= 2:
        if h[1] & 0xF6 == 0xF0:  # ADTS sync word, layer 0
            return AAC
        if h[1] & 0xE0 == 0xE0 and h[1] & 0x06 != 0:  # MPEG audio frame sync, layer set
            return MP3
    return None


def _documents(h: bytes) -> FileType | None:
    if h.startswith(b"%PDF-"):
        return PDF
    if h.startswith(b"{\\rtf"):
        return RTF
    if h.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if h.startswith(b"PK\x03\x04"):
        # OOXML's first entry is [Content_Types].xml (or a folder of it); ODF's is "mimetype".
        name_len = int.from_bytes(h[26:28], "little") if len(h) >= 30 else 0
        first = h[30 : 30 + name_len]
        if first == b"mimetype" and b"application/vnd.oasis.opendocument" in h[:200]:
            return ODF
        if b"[Content_Types].xml" in h or first.startswith((b"word/", b"xl/", b"_rels/", b"docProps/")):
            return XLSX if b"xl/" in h else DOCX
        return None  # a plain zip archive is not evidence we can open and show
    return None


def _text(h: bytes) -> FileType | None:
    if b"\x00" in h:
        return None
    sample = h
    # A cut in the middle of a multi-byte character at the end of the sample is not an error.
    for trim in range(4):
        try:
            (sample[: len(sample) - trim] if trim else sample).decode("utf-8")
        except UnicodeDecodeError:
            continue
        return TEXT
    return None
