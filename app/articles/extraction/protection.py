"""Protecting characters trafilatura would rewrite.

trafilatura drops every character Python calls non-printable (ZWNJ and ZWJ, the
bidirectional marks, soft hyphens: Unicode category Cf), folds no-break and other
non-ASCII spaces into plain spaces, unescapes entity-like text ("&copy" -> "©") and
deletes U+2424. Before extraction each such character is swapped for a placeholder
that trafilatura leaves alone, and swapped back afterwards. Private-use characters
cannot serve: Python counts them as non-printable too, so trafilatura deletes them.
Placeholders are printable letters from historic scripts, chosen per document among
characters the document does not contain, so a swap back can never hit original text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from lxml.html import HtmlElement

from app.articles.extraction.decoding import html_error


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
class Protection:
    forward: dict[int, str] = field(default_factory=dict)
    backward: dict[int, str] = field(default_factory=dict)

    @classmethod
    def for_characters(cls, present: set[str]) -> Protection:
        protection = cls()
        wanted = sorted(char for char in present if _needs_protection(char))
        if not wanted:
            return protection
        candidates = (char for char in _placeholder_candidates() if char not in present)
        for char, placeholder in zip(wanted, candidates, strict=False):
            protection.forward[ord(char)] = placeholder
            protection.backward[ord(placeholder)] = char
        if len(protection.forward) < len(wanted):  # pragma: no cover - needs ~50,000 scripts
            raise html_error(_("The page uses too many distinct characters to be processed."))
        return protection

    def hide(self, text: str | None) -> str | None:
        return text.translate(self.forward) if text and self.forward else text

    def restore(self, text: str | None) -> str:
        if not text:
            return ""
        return text.translate(self.backward) if self.backward else text


def tree_characters(tree: HtmlElement) -> set[str]:
    present: set[str] = set()
    for element in tree.iter():
        if element.text:
            present.update(element.text)
        if element.tail:
            present.update(element.tail)
        for value in element.attrib.values():
            present.update(value)
    return present


def protect_tree(tree: HtmlElement, protection: Protection) -> None:
    if not protection.forward:
        return
    for element in tree.iter():
        element.text = protection.hide(element.text)
        element.tail = protection.hide(element.tail)
        if element.tag == "meta" and element.get("content"):
            element.set("content", protection.hide(element.get("content")))
