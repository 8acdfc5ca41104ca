"""HTML -> Extracted: trafilatura's text, with the metadata it does not report."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urljoin

import trafilatura
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml.html import HtmlElement
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

from app.articles.extraction.decoding import HTML_MAX_BYTES, decode_html, html_error
from app.articles.extraction.protection import Protection, protect_tree, tree_characters
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
NO_TEXT_MESSAGE = "No article text could be found in this page."


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
        raise html_error(_("The page must be text; decode it with decode_html() first."))
    if len(html) > HTML_MAX_BYTES:
        raise html_error(
            _("The page is larger than %(megabytes)s MB.")
            % {"megabytes": HTML_MAX_BYTES // 1_000_000}
        )
    if not html.strip():
        raise html_error(NO_TEXT_MESSAGE)
    # Characters XML cannot hold make libxml2 give up; they never belong in text.
    html = html.replace("\x00", "")
    tree = load_html(html)
    if tree is None:
        raise html_error(NO_TEXT_MESSAGE)
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

    protection = Protection.for_characters(tree_characters(tree))
    protect_tree(tree, protection)
    document = trafilatura.bare_extraction(
        tree,
        url=base_url or None,
        # Extensive search also reads dates the text states ("Updated: May 14, 2024");
        # its cost is measured by bench/import_html.py (README, Benchmarks).
        date_extraction_params=set_date_params(True),
        **_TRAFILATURA_OPTIONS,
    )
    if document is None:
        raise html_error(NO_TEXT_MESSAGE)

    raw = normalize_text(protection.restore(document.text))
    text = "\n".join(line for line in raw.split("\n") if not _is_blank_line(line))
    if not text:
        raise html_error(NO_TEXT_MESSAGE)

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
