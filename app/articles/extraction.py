"""Turning imported HTML (and pasted text) into clean article text and metadata.

The boilerplate decisions are trafilatura's (and, for pasted plain text, those of
jusText, the paragraph classifier trafilatura ships as its own fallback); this module
only prepares the input, protects characters the library would rewrite, and reads a
few metadata fields trafilatura does not report (`<html lang>`, the raw date string).

The output is plain text. Markup is parsed and discarded, never executed or kept:
`<script>`, `<style>`, SVG, forms, embeds and event-handler attributes contribute no
text, and links contribute only their visible words.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html as html_lib
import json
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

import trafilatura
from charset_normalizer import from_bytes
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from justext.core import ParagraphMaker, classify_paragraphs, revise_paragraph_classification
from justext.utils import get_stoplist
from lxml.html import HtmlElement
from trafilatura.external import jt_stoplist_init
from trafilatura.settings import JUSTEXT_LANGUAGES, set_date_params
from trafilatura.utils import load_html

from app.core.dates import FoundDate, find_dates, parse_date
from app.core.links import validate_web_url
from app.core.text import (
    detect_language,
    direction_for,
    guess_language,
    normalize_text,
    strip_control_characters,
)

EXTRACTOR = f"trafilatura {trafilatura.__version__}"
HTML_MAX_BYTES = 20_000_000  # trafilatura's own MAX_FILE_SIZE
NO_TEXT_MESSAGE = "No article text could be found in this page."

# --------------------------------------------------------------------------------------
# Bytes -> str
# --------------------------------------------------------------------------------------

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


def _html_error(message: str) -> ValidationError:
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
        raise _html_error(_("The page must be uploaded as a file."))
    data = bytes(data)
    if not data.strip():
        raise _html_error(_("The file is empty."))
    if len(data) > HTML_MAX_BYTES:
        raise _html_error(
            _("The file is larger than %(megabytes)s MB.")
            % {"megabytes": HTML_MAX_BYTES // 1_000_000}
        )

    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedPage(data[len(bom) :].decode(encoding), encoding)
            except UnicodeDecodeError:
                raise _html_error(
                    _(
                        "The file starts with a %(encoding)s byte-order mark but is "
                        "not valid %(encoding)s."
                    )
                    % {"encoding": encoding.upper()}
                ) from None

    what = _looks_binary(data)
    if what:
        raise _html_error(
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
    raise _html_error(
        _(
            "The page's character encoding could not be recognized. Save "
            "it again as UTF-8 or paste the article text instead."
        )
    )


# --------------------------------------------------------------------------------------
# Protecting characters trafilatura would rewrite
# --------------------------------------------------------------------------------------
#
# trafilatura drops every character Python calls non-printable (ZWNJ and ZWJ, the
# bidirectional marks, soft hyphens: Unicode category Cf), folds no-break and other
# non-ASCII spaces into plain spaces, unescapes entity-like text ("&copy" -> "©") and
# deletes U+2424. Before extraction each such character is swapped for a placeholder
# that trafilatura leaves alone, and swapped back afterwards. Private-use characters
# cannot serve: Python counts them as non-printable too, so trafilatura deletes them.
# Placeholders are printable letters from historic scripts, chosen per document among
# characters the document does not contain, so a swap back can never hit original text.


def _needs_protection(char: str) -> bool:
    if char in "&\u2424":
        return True
    category = unicodedata.category(char)
    return category == "Cf" or (category in ("Zs", "Zl", "Zp") and char != " ")


def _placeholder_candidates() -> Iterator[str]:
    blocks = (
        (0x10000, 0x100FB),  # Linear B
        (0x10300, 0x1031F),  # Old Italic
        (0x10330, 0x1034A),  # Gothic
        (0x12000, 0x12399),  # Cuneiform
        (0x13000, 0x1342E),  # Egyptian hieroglyphs
        (0x20000, 0x2A6DF),  # CJK Extension B
    )
    for start, end in blocks:
        for code in range(start, end + 1):
            char = chr(code)
            if unicodedata.category(char) == "Lo" and char.isprintable():
                yield char


@dataclass
class _Protection:
    forward: dict[int, str] = field(default_factory=dict)
    backward: dict[int, str] = field(default_factory=dict)

    @classmethod
    def for_characters(cls, present: set[str]) -> _Protection:
        protection = cls()
        wanted = sorted(char for char in present if _needs_protection(char))
        if not wanted:
            return protection
        candidates = (char for char in _placeholder_candidates() if char not in present)
        for char, placeholder in zip(wanted, candidates, strict=False):
            protection.forward[ord(char)] = placeholder
            protection.backward[ord(placeholder)] = char
        if len(protection.forward) < len(wanted):  # pragma: no cover - needs ~50,000 scripts
            raise _html_error(_("The page uses too many distinct characters to be processed."))
        return protection

    def hide(self, text: str | None) -> str | None:
        return text.translate(self.forward) if text and self.forward else text

    def restore(self, text: str | None) -> str:
        if not text:
            return ""
        return text.translate(self.backward) if self.backward else text


def _tree_characters(tree: HtmlElement) -> set[str]:
    present: set[str] = set()
    for element in tree.iter():
        if element.text:
            present.update(element.text)
        if element.tail:
            present.update(element.tail)
        for value in element.attrib.values():
            present.update(value)
    return present


def _protect_tree(tree: HtmlElement, protection: _Protection) -> None:
    if not protection.forward:
        return
    for element in tree.iter():
        element.text = protection.hide(element.text)
        element.tail = protection.hide(element.tail)
        if element.tag == "meta" and element.get("content"):
            element.set("content", protection.hide(element.get("content")))


# --------------------------------------------------------------------------------------
# HTML -> Extracted
# --------------------------------------------------------------------------------------

# Void elements libxml2's HTML parser (older than HTML5) treats as containers: `<embed>`
# then swallows the rest of the article, and trafilatura deletes it with its content.
_VOID_ELEMENTS_PARSED_AS_CONTAINERS = ("embed", "source", "track", "wbr", "keygen")
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8})*")
_DATE_XPATHS = (
    '//meta[@property="article:published_time"]/@content',
    '//meta[@itemprop="datePublished"]/@content',
    '//*[@itemprop="datePublished"]/@datetime',
    '//meta[@name="date" or @name="pubdate" or @name="publishdate"]/@content',
    '//meta[@name="DC.date.issued" or @name="dcterms.date" or @name="DC.date"]/@content',
    "//time[@datetime]/@datetime",
    "//time/text()",
)
_TRAFILATURA_OPTIONS = {
    # trafilatura's default balanced mode: on our fixtures precision, balanced and
    # recall extract the same text, and balanced retries with recall settings by itself
    # when an extraction covers little of the page (missing body text is the worse
    # failure for fact-checking).
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "with_metadata": True,
    "deduplicate": False,
}


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str
    author: str
    site_name: str
    published_on: dt.date | None
    date_text: str
    language: str
    direction: str
    canonical_url: str
    metadata: dict


_ASCII_WHITESPACE = re.compile(r"[ \t\r\n\f]+")


def _clean_field(value: str | None) -> str:
    """NFC, runs of ASCII whitespace made one space (as HTML shows them), no controls."""
    value = _ASCII_WHITESPACE.sub(" ", normalize_text(value or ""))
    return _ASCII_WHITESPACE.sub(" ", strip_control_characters(value)).strip()


def _language_tag(value: str | None) -> str:
    """A lowercase BCP 47-ish tag ("fa", "en-gb", "ku-arab") from a lang value, else ""."""
    tag = (value or "").split(",")[0].strip().replace("_", "-").lower()
    return tag if _LANGUAGE_TAG.fullmatch(tag) else ""


def _declared_language(tree: HtmlElement) -> str:
    candidates = [
        tree.get("lang"),
        tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
        *tree.xpath(
            '//meta[translate(@http-equiv, "CONTENT-LANGUAGE", "content-language")'
            '="content-language"]/@content'
        ),
        *tree.xpath('//meta[@name="language" or @name="DC.language"]/@content'),
        *tree.xpath('//meta[@property="og:locale"]/@content'),
        *tree.xpath("//body/@lang"),
    ]
    for candidate in candidates:
        tag = _language_tag(candidate)
        if tag:
            return tag
    return ""


def _web_url(candidate: str, base: str) -> str:
    candidate = (candidate or "").strip()
    if not candidate:
        return ""
    if base:
        candidate = urljoin(base, candidate)
    try:
        return validate_web_url(candidate, field="canonical_url")
    except ValidationError:
        return ""


def _canonical_url(tree: HtmlElement, base: str) -> str:
    hrefs = [
        link.get("href", "")
        for link in tree.xpath("//link[@rel][@href]")
        if "canonical" in link.get("rel", "").lower().split()
    ]
    hrefs += tree.xpath('//meta[@property="og:url"]/@content')
    for href in hrefs:
        url = _web_url(href, base)
        if url:
            return url
    return ""


def _date_strings(tree: HtmlElement) -> list[str]:
    """Publication-date strings the page states, most explicit first."""
    found = []
    for xpath in _DATE_XPATHS:
        for value in tree.xpath(xpath):
            value = _clean_field(str(value))[:200]
            if value and value not in found:
                found.append(value)
    return found


# A text node this short, with this few words beside its date, is a dateline or a
# byline ("Updated: May 14, 2024, 10:02", "By J. Doe | 3 March 2024"), not a sentence.
_DATELINE_MAX_CHARACTERS = 100
_DATELINE_MAX_OTHER_WORDS = 6


def _dateline_dates(tree: HtmlElement, url: str) -> set[dt.date]:
    """Dates the page states on their own: in datelines and bylines, or in its URL."""
    found = {date.date for date in find_dates(url)} if url else set()
    for value in tree.xpath("//body//text()"):
        value = value.strip()
        if not value or len(value) > _DATELINE_MAX_CHARACTERS:
            continue
        if not any(char.isdigit() for char in value):
            continue
        for date in find_dates(value):
            rest = value[: date.start] + " " + value[date.end :]
            words = [word for word in rest.split() if any(char.isalpha() for char in word)]
            if len(words) <= _DATELINE_MAX_OTHER_WORDS:
                found.add(date.date)
    return found


def _date_text(candidates: list[str], published_on: dt.date | None, fallback: str) -> str:
    """The raw string behind `published_on`, or the first date string when there is none."""
    if published_on is None:
        return candidates[0] if candidates else ""
    for candidate in candidates:
        if _iso_date(candidate) == published_on:
            return candidate
    return fallback


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


# Dates offered to the reviewer per import: enough for a dateline and a few mentions.
DATE_CANDIDATES_MAX = 10
# Datelines stand at the top; the rest of a long text only costs time.
_DATE_SEARCH_CHARACTERS = 5_000


def date_candidates(text: str, metadata_strings: tuple[str, ...] | list[str] = ()) -> list[dict]:
    """Dates found in the page's metadata and in the text, with where, for the reviewer.

    Each is `{"date", "text", "where": "metadata"|"text", "calendar", "ambiguous",
    "readings"}`, plus `start`/`end` (code points into the text) for "text". A day and
    month that could be swapped carry both readings: they are never chosen silently.
    """
    found = []
    for value in metadata_strings:
        found.extend(_candidate(date, "metadata") for date in find_dates(value)[:1])
    found.extend(_candidate(date, "text") for date in find_dates(text[:_DATE_SEARCH_CHARACTERS]))
    return found[:DATE_CANDIDATES_MAX]


def _candidate(found: FoundDate, where: str) -> dict:
    candidate = {
        "date": found.date.isoformat(),
        "text": found.text,
        "where": where,
        "calendar": found.calendar,
        "ambiguous": found.ambiguous,
        "readings": [reading.isoformat() for reading in found.readings],
    }
    if where == "text":
        candidate.update(start=found.start, end=found.end)
    return candidate


def _has_letters(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("L", "R", "AL") for char in text[:5000])


def _is_blank_line(line: str) -> bool:
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in line)


def _prepare_tree(html: str) -> HtmlElement:
    if not isinstance(html, str):
        raise _html_error(_("The page must be text; decode it with decode_html() first."))
    if len(html) > HTML_MAX_BYTES:
        raise _html_error(
            _("The page is larger than %(megabytes)s MB.")
            % {"megabytes": HTML_MAX_BYTES // 1_000_000}
        )
    if not html.strip():
        raise _html_error(NO_TEXT_MESSAGE)
    # Characters XML cannot hold make libxml2 give up; they never belong in text.
    html = html.replace("\x00", "")
    tree = load_html(html)
    if tree is None:
        raise _html_error(NO_TEXT_MESSAGE)
    for element in list(tree.iter(*_VOID_ELEMENTS_PARSED_AS_CONTAINERS)):
        if len(element) or (element.text or "").strip():
            element.drop_tag()
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        script.text = _json_ld_unescaped(script.text)
    return tree


def _unescape_strings(value):
    if isinstance(value, str):
        return html_lib.unescape(value)
    if isinstance(value, list):
        return [_unescape_strings(item) for item in value]
    if isinstance(value, dict):
        return {key: _unescape_strings(item) for key, item in value.items()}
    return value


def _json_ld_unescaped(text: str | None) -> str | None:
    """JSON-LD with HTML entities in its strings decoded (WordPress writes `O&#039;Neil`).

    A script's text is not HTML, so the parser leaves entities in it, and the
    protection of `&` below would keep them from trafilatura's own unescaping (which
    then breaks `&#039;` apart). Parsing the JSON first means an entity can never
    break its quoting.
    """
    if not text or "&" not in text:
        return text
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return text
    return json.dumps(_unescape_strings(data), ensure_ascii=False)


def extract_article(html: str, *, url: str = "") -> Extracted:
    """Extract the main text and metadata of an article page.

    `url` is where the page came from (used to resolve a relative canonical link).
    Raises `ValidationError` on "html" when the page has no extractable body.
    """
    if isinstance(html, bytes | bytearray):
        html = decode_html(bytes(html))
    base_url = _web_url(url, "")
    tree = _prepare_tree(html)

    declared_language = _declared_language(tree)
    canonical_url = _canonical_url(tree, base_url)
    date_strings = _date_strings(tree)
    dateline_dates = _dateline_dates(tree, base_url)

    protection = _Protection.for_characters(_tree_characters(tree))
    _protect_tree(tree, protection)
    document = trafilatura.bare_extraction(
        tree,
        url=base_url or None,
        # Extensive search also reads dates the text states ("Updated: May 14, 2024");
        # its cost is measured by bench/import_html.py (README, Benchmarks).
        date_extraction_params=set_date_params(True),
        **_TRAFILATURA_OPTIONS,
    )
    if document is None:
        raise _html_error(NO_TEXT_MESSAGE)

    raw = normalize_text(protection.restore(document.text))
    text = "\n".join(line for line in raw.split("\n") if not _is_blank_line(line))
    if not text:
        raise _html_error(NO_TEXT_MESSAGE)

    title = _clean_field(protection.restore(document.title))
    author = _clean_field(protection.restore(document.author))
    site_name = _clean_field(protection.restore(document.sitename))
    published_on = _iso_date(document.date)
    guessed_from_prose = None
    if (
        published_on is not None
        and published_on not in dateline_dates
        and not any(_iso_date(value) == published_on for value in date_strings)
    ):
        # Extensive search also reads dates out of sentences ("will vote on 9 April
        # 2025"): such a date is offered to the reviewer, never taken as the date.
        guessed_from_prose, published_on = published_on, None
    date_text = _date_text(date_strings, published_on, document.date or "")
    if guessed_from_prose is not None and date_text == document.date:
        date_text = ""
    if published_on is None and date_text:
        # trafilatura reads ISO and English dates only; Persian pages often give the
        # date in words, in either calendar.
        published_on = parse_date(date_text)

    # A declared language whose script direction contradicts the text is a template
    # default (Persian pages served with lang="en" are common): trust the letters then.
    language_tag = declared_language or _language_tag(document.language)
    if (
        language_tag
        and _has_letters(text)
        and direction_for(language_tag) != direction_for("", text)
    ):
        language_tag = ""
    language = language_tag.split("-")[0] if language_tag else guess_language(text)
    detected = None
    if not language:
        detected = detect_language(text)
        language = detected.language if detected else ""
    direction = direction_for(language_tag or language, text)

    metadata = {
        "title": title,
        "author": author,
        "site_name": site_name,
        "published_on": published_on.isoformat() if published_on else "",
        "date_text": date_text,
        "language": language,
        "direction": direction,
        "canonical_url": canonical_url,
        "extractor": EXTRACTOR,
        "characters": len(text),
        "date_candidates": date_candidates(text, date_strings),
    }
    if guessed_from_prose is not None:
        metadata["date_guessed_from_text"] = guessed_from_prose.isoformat()
    if detected is not None:
        metadata["language_detected"] = detected.as_metadata()
    return Extracted(
        text=text,
        title=title,
        author=author,
        site_name=site_name,
        published_on=published_on,
        date_text=date_text,
        language=language,
        direction=direction,
        canonical_url=canonical_url,
        metadata=metadata,
    )


# --------------------------------------------------------------------------------------
# Pasted plain text -> proposal of lines to keep
# --------------------------------------------------------------------------------------
#
# trafilatura's main extractor decides from markup (link density, element kinds, class
# names); a pasted text has none, and with each line as its own <p> it keeps every line
# (measured on the seeds). Its markup-free fallback is jusText, a paragraph classifier
# working from length, stop-word density and the class of the neighbours. Each line
# goes to jusText as one paragraph, with thresholds favouring precision (below), the
# stop list of the text's language, and these adaptations to plain text:
# - text a line repeats from another line (a breadcrumb ending with the headline) is
#   not counted as that line's own content;
# - a short line is offered to jusText as a heading: its heading rule keeps a short
#   line directly followed by a good paragraph (a title, a subheading);
# - the body is the span from the first to the last kept line: nothing inside it is
#   proposed for dropping (paragraphs dense with names and numbers score low on stop
#   words, and they carry the checkable facts);
# - a single short line after the body is kept: at the end of a text jusText has no
#   neighbour to judge it by, and it is usually the article's last sentence.

# jusText's own stop-word thresholds (stricter than trafilatura's 0.1 / 0.2) and length
# thresholds; length_high is trafilatura's 150 rather than jusText's 200, since pasted
# news paragraphs are often 150-200 characters long.
_JT_LENGTH_LOW = 70
_JT_LENGTH_HIGH = 150
_JT_STOPWORDS_LOW = 0.30
_JT_STOPWORDS_HIGH = 0.32
_JT_MAX_LINK_DENSITY = 0.2
_JT_MAX_HEADING_DISTANCE = 0  # the good paragraph must follow the heading directly
_REPEAT_MIN, _REPEAT_MAX = 20, 300  # lengths of lines looked for inside other lines
_REPEAT_MAX_LINES = 3000
_LINE_POSITION = re.compile(r"/div\[(\d+)\]")


@dataclass(frozen=True)
class TrimLine:
    number: int  # 1-based line number in the pasted text
    text: str  # the line exactly as pasted (without its line break)
    keep: bool
    blank: bool


@dataclass(frozen=True)
class TrimProposal:
    lines: list[TrimLine]

    def kept_text(self) -> str:
        """The lines marked keep, joined with "\\n", characters untouched."""
        return "\n".join(line.text for line in self.lines if line.keep)

    @property
    def dropped_count(self) -> int:
        """How many non-blank lines the proposal drops."""
        return sum(1 for line in self.lines if not line.keep and not line.blank)


@lru_cache(maxsize=16)
def _stoplist(language: str) -> frozenset[str]:
    name = JUSTEXT_LANGUAGES.get(language)
    if name:
        try:
            return get_stoplist(name)
        except ValueError:
            pass
    # Unknown language: the union of all stop lists, as trafilatura does.
    return frozenset(jt_stoplist_init())


def _own_content(lines: dict[int, str]) -> dict[int, str]:
    """Each line's text without the other lines it repeats."""
    squeezed = {number: " ".join(text.split()) for number, text in lines.items()}
    if len(squeezed) > _REPEAT_MAX_LINES:
        return squeezed
    repeatable = [
        (number, text)
        for number, text in squeezed.items()
        if _REPEAT_MIN <= len(text) <= _REPEAT_MAX
    ]
    own = {}
    for number, text in squeezed.items():
        for other, repeated in repeatable:
            if other != number and len(repeated) < len(text) and repeated in text:
                text = text.replace(repeated, " ")
        own[number] = " ".join(text.split())
    return own


def _classify_lines(lines: dict[int, str], language: str) -> dict[int, tuple[str, str]]:
    """(context-free class, final class) per line index, from jusText."""
    own = _own_content(lines)
    order = list(lines)
    blocks = []
    for index in order:
        tag = "h2" if len(own[index]) < _JT_LENGTH_LOW else "p"
        blocks.append(f"<div><{tag}>{html_lib.escape(own[index] or '-')}</{tag}></div>")
    root = load_html(f"<html><body>{''.join(blocks)}</body></html>")
    paragraphs = ParagraphMaker.make_paragraphs(root)
    classify_paragraphs(
        paragraphs,
        _stoplist(language),
        _JT_LENGTH_LOW,
        _JT_LENGTH_HIGH,
        _JT_STOPWORDS_LOW,
        _JT_STOPWORDS_HIGH,
        _JT_MAX_LINK_DENSITY,
        False,  # use headings
    )
    revise_paragraph_classification(paragraphs, _JT_MAX_HEADING_DISTANCE)
    classes: dict[int, tuple[str, str]] = {}
    for paragraph in paragraphs:
        match = _LINE_POSITION.search(paragraph.xpath)
        if match:
            classes[order[int(match.group(1)) - 1]] = (paragraph.cf_class, paragraph.class_type)
    return classes


def propose_trim(text: str, *, language: str = "") -> TrimProposal:
    """Propose which lines of pasted plain text are article and which are site chrome.

    Nothing is removed: the proposal marks each line keep or drop for the user to
    confirm. Lines are split on "\\n" (a "\\r" before it is treated as part of the
    line break). `language` (e.g. "fa") selects the stop-word list; by default it is
    guessed from the script, and Latin-script text uses all of jusText's lists.
    """
    raw_lines = text.split("\n") if text else []
    lines = [line[:-1] if line.endswith("\r") else line for line in raw_lines]
    content = {index: line for index, line in enumerate(lines) if line.strip()}
    keep_content = dict.fromkeys(content, True)

    if content:
        language = (language or "").strip().lower().split("-")[0] or guess_language(text)
        classes = _classify_lines(content, language)
        good = [index for index in content if classes.get(index, ("", "good"))[1] == "good"]
        if good:
            first, last = good[0], good[-1]
            trailing = [index for index in content if index > last]
            for index in content:
                inside = first <= index <= last
                lone_short_ending = trailing == [index] and classes.get(index, ("",))[0] == "short"
                keep_content[index] = inside or lone_short_ending

    last_kept = max((index for index, keep in keep_content.items() if keep), default=-1)
    result = []
    previous_kept = False
    for index, line in enumerate(lines):
        if index in content:
            previous_kept = keep_content[index]
            result.append(TrimLine(index + 1, line, keep=previous_kept, blank=False))
        else:
            # Blank lines are kept where they follow a kept line and more kept text
            # comes later: the spacing between kept paragraphs stays as pasted, and
            # the spacing around a dropped line goes with it.
            keep = previous_kept and index < last_kept
            result.append(TrimLine(index + 1, line, keep=keep, blank=True))
    return TrimProposal(lines=result)
