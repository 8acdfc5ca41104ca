"""Bytes -> str: the character set of an uploaded page, and its stray bytes repaired."""

from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass, field

from charset_normalizer import from_bytes
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HTML_MAX_BYTES = 20_000_000  # trafilatura's own MAX_FILE_SIZE

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Magic numbers of formats people upload by mistake instead of a saved web page.
_BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", gettext_lazy("a PNG image")),
    (b"\xff\xd8\xff", gettext_lazy("a JPEG image")),
    (b"GIF87a", gettext_lazy("a GIF image")),
    (b"GIF89a", gettext_lazy("a GIF image")),
    (b"%PDF-", gettext_lazy("a PDF document")),
    (b"PK\x03\x04", gettext_lazy("a ZIP archive or office document")),
    (b"\x1f\x8b", gettext_lazy("a gzip-compressed file")),
    (b"\x28\xb5\x2f\xfd", gettext_lazy("a zstd-compressed file")),
    (b"BZh", gettext_lazy("a bzip2-compressed file")),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("a 7-Zip archive")),
    (b"Rar!\x1a\x07", gettext_lazy("a RAR archive")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", gettext_lazy("an old Microsoft Office document")),
    (b"\x7fELF", gettext_lazy("a program")),
    (b"MZ\x90\x00", gettext_lazy("a Windows program")),
    (b"II*\x00", gettext_lazy("a TIFF image")),
    (b"MM\x00*", gettext_lazy("a TIFF image")),
    (b"OggS", gettext_lazy("an audio or video file")),
    (b"ID3", gettext_lazy("an MP3 file")),
    (b"fLaC", gettext_lazy("an audio file")),
    (b"\x1a\x45\xdf\xa3", gettext_lazy("a video file")),
    (b"wOFF", gettext_lazy("a web font")),
    (b"wOF2", gettext_lazy("a web font")),
)
# Control bytes that never occur in text (ESC, SO and SI are left out: ISO-2022 uses them).
_CONTROL_BYTES = bytes([*range(0x01, 0x09), 0x0B, *range(0x10, 0x1B), *range(0x1C, 0x20), 0x7F])
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.I)
# Where a page's own charset declaration is looked for when the head never ends.
_HEAD_SCAN_BYTES = 1_000_000
# More NUL bytes than this share of the start means UTF-16/32 or a binary format.
_NUL_SHARE = 0.01
# UTF-8 with stray bytes: accepted when the valid non-ASCII characters outnumber the
# invalid bytes this many times (a page in a legacy encoding fails nearly every one).
_UTF8_VALID_PER_STRAY = 20
# More stray bytes than this is another encoding, whatever the ratio; stopping here also
# bounds the work on a large page in a legacy encoding.
_UTF8_MAX_STRAY_BYTES = 1000
# WHATWG encoding rules that differ from Python's codec names.
_WHATWG_LABELS = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "x-user-defined": "cp1252",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "big5": "big5hkscs",
}
_CHARSET_NORMALIZER_MAX_CHAOS = 0.1
_CHARSET_NORMALIZER_MARGIN = 0.05


def html_error(message: str) -> ValidationError:
    return ValidationError({"html": message})


def _codec(label: str | None) -> str | None:
    """Python codec for a charset label from a header or `<meta>`, or None if unknown."""
    label = (label or "").strip().strip("\"'").lower()
    if not label:
        return None
    label = _WHATWG_LABELS.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):
        # A label inside an ASCII-compatible document cannot be right (WHATWG: use UTF-8).
        return "utf-8"
    return name


def _looks_binary(data: bytes) -> str | None:
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            return what
    if data[4:8] == b"ftyp" or (data.startswith(b"RIFF") and data[8:12] in (b"WEBP", b"WAVE")):
        return _("an image, audio or video file")
    head = data[:65536]
    if head.count(b"\x00") > len(head) * _NUL_SHARE:
        return _("a binary file")
    if head and sum(head.count(bytes([b])) for b in _CONTROL_BYTES) > len(head) // 100:
        return _("a binary file")
    return None


def _confident_guess(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's reading, only when it is clean and has no close rival.

    Short Latin-script pages in legacy encodings read plausibly in several code pages
    (cp1252, cp1250, cp1257); refusing them is better than storing misread letters.
    """
    matches = from_bytes(data)
    best = matches.best()
    if best is None or not best.encoding or best.chaos > _CHARSET_NORMALIZER_MAX_CHAOS:
        return None
    for match in matches:
        if match is not best and match.chaos - best.chaos < _CHARSET_NORMALIZER_MARGIN:
            return None
    try:
        return data.decode(best.encoding), best.encoding
    except (LookupError, UnicodeDecodeError):
        return None


@dataclass(frozen=True)
class DecodedPage:
    """A page's text, the codec that read it, and what had to be repaired (in words)."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def _head_region(data: bytes) -> bytes:
    """The page's `<head>` (up to `</head>` or `<body>`), where a charset may be declared."""
    end = _HEAD_END.search(data, 0, _HEAD_SCAN_BYTES)
    return data[: end.start()] if end else data[:_HEAD_SCAN_BYTES]


class _TooManyStrayBytes(Exception):
    pass


class _StrayBytes:
    """A codec error handler that replaces invalid bytes and counts them (up to a limit)."""

    def __init__(self) -> None:
        self.count = 0
        self.first = -1

    def __call__(self, error: UnicodeDecodeError) -> tuple[str, int]:
        self.count += error.end - error.start
        if self.first < 0:
            self.first = error.start
        if self.count > _UTF8_MAX_STRAY_BYTES:
            raise _TooManyStrayBytes
        return "\ufffd", error.end


_stray_bytes_handlers = threading.local()


def _count_stray_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    return _stray_bytes_handlers.current(error)


codecs.register_error("sanad-count-stray-bytes", _count_stray_bytes)


def _utf8_with_replacements(data: bytes) -> tuple[str, int, int] | None:
    """UTF-8 with its few stray bytes replaced by U+FFFD: (text, stray bytes, first).

    None when the bytes are not mostly UTF-8 (then they are some other encoding).
    """
    handler = _stray_bytes_handlers.current = _StrayBytes()
    try:
        text = data.decode("utf-8", errors="sanad-count-stray-bytes")
    except _TooManyStrayBytes:
        return None
    finally:
        _stray_bytes_handlers.current = None
    valid_non_ascii = sum(1 for char in text if char > "\x7f") - text.count("\ufffd")
    if valid_non_ascii < handler.count * _UTF8_VALID_PER_STRAY:
        return None
    return text, handler.count, handler.first


def decode_html(data: bytes, *, declared_charset: str | None = None) -> str:
    """Decode a saved or downloaded web page to text (`decode_page` without its warnings)."""
    return decode_page(data, declared_charset=declared_charset).text


def decode_page(data: bytes, *, declared_charset: str | None = None) -> DecodedPage:
    """Decode a saved or downloaded web page, never refusing readable text.

    Order: byte-order mark; `declared_charset` (the HTTP Content-Type charset); the
    page's own `<meta charset>` / `<meta http-equiv>` anywhere in its `<head>`; strict
    UTF-8; UTF-8 with a few stray bytes replaced (reported as a warning with their
    count and the first one's position); and only then charset-normalizer, when its
    guess is confident. NUL bytes are dropped with a warning (PostgreSQL text cannot
    hold them). Only binary files (images, PDFs, archives, many NUL or control bytes)
    and bytes no encoding reads are refused with a `ValidationError` on "html".
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise html_error(_("The page must be uploaded as a file."))
    data = bytes(data)
    if not data.strip():
        raise html_error(_("The file is empty."))
    if len(data) > HTML_MAX_BYTES:
        raise html_error(
            _("The file is larger than %(megabytes)s MB.")
            % {"megabytes": HTML_MAX_BYTES // 1_000_000}
        )

    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedPage(data[len(bom) :].decode(encoding), encoding)
            except UnicodeDecodeError:
                raise html_error(
                    _(
                        "The file starts with a %(encoding)s byte-order mark but is "
                        "not valid %(encoding)s."
                    )
                    % {"encoding": encoding.upper()}
                ) from None

    what = _looks_binary(data)
    if what:
        raise html_error(
            _("This looks like %(what)s, not a web page. Upload the saved HTML page.")
            % {"what": what}
        )

    warnings = []
    nuls = data.count(b"\x00")
    if nuls:
        data = data.replace(b"\x00", b"")
        plural = "s" if nuls > 1 else ""
        warnings.append(f"{nuls} NUL byte{plural} dropped (text cannot hold them).")

    match = _META_CHARSET.search(_head_region(data))
    meta_charset = match.group(1).decode("ascii") if match else None
    for label in (declared_charset, meta_charset, "utf-8"):
        encoding = _codec(label)
        if encoding is None:
            continue
        try:
            return DecodedPage(data.decode(encoding), encoding, warnings)
        except UnicodeDecodeError:
            continue

    repaired = _utf8_with_replacements(data)
    if repaired is not None:
        text, stray, first = repaired
        plural = "s" if stray > 1 else ""
        warnings.append(
            f"{stray} byte{plural} that are not valid UTF-8 replaced with U+FFFD "
            f"(the first at byte {first})."
        )
        return DecodedPage(text, "utf-8", warnings)

    guess = _confident_guess(data)
    if guess is not None:
        return DecodedPage(guess[0], guess[1], warnings)
    raise html_error(
        _(
            "The page's character encoding could not be recognized. Save "
            "it again as UTF-8 or paste the article text instead."
        )
    )
