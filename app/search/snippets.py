"""Highlighted, escaped snippets of stored text.

Stored text keeps its original spelling (Arabic ي, Arabic-Indic digits, ZWNJ…), while
query terms are folded. Rather than fold the text and map offsets back, each folded
term becomes a pattern that accepts every spelling folding to it, searched in the
original text. Every piece of text is escaped; only the `<mark>` tags are ours.
"""

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from app.core.text import _FOLD_TABLE

SNIPPET_LENGTH = 220
_CONTEXT_BEFORE = 60
# Characters `fold` deletes: they may sit anywhere inside a word of the stored text.
_IGNORABLE = "[\u200c\u200d\u0640]*"


def _spellings() -> dict[str, set[str]]:
    """Folded character -> the characters that fold to it (besides case variants)."""
    spellings: dict[str, set[str]] = {}
    for code, target in _FOLD_TABLE.items():
        if target:
            spellings.setdefault(target, {target}).add(chr(code))
    return spellings


_SPELLINGS = _spellings()


def _char_pattern(char: str) -> str:
    variants = _SPELLINGS.get(char)
    if not variants:
        return re.escape(char)
    return "[" + "".join(re.escape(v) for v in sorted(variants)) + "]"


@lru_cache(maxsize=256)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    alternatives = [
        _IGNORABLE.join(_char_pattern(c) for c in term)
        for term in sorted(set(terms), key=len, reverse=True)
        if term
    ]
    if not alternatives:
        return None
    # A term marks the whole word it begins (prefix matching, stems).
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")[\w\u200c\u200d\u0640]*", re.I)


def _marked(text: str, pattern: re.Pattern | None) -> SafeString:
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 - escaped just now
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append("<mark>" + escape(match.group()) + "</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece escaped above


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with every word that a term begins wrapped in `<mark>`."""
    return _marked(text, _terms_pattern(tuple(terms)))


def snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """An escaped window of `text` around its first match, matches marked."""
    pattern = _terms_pattern(tuple(terms))
    first = pattern.search(text) if pattern else None
    start = max(0, first.start() - _CONTEXT_BEFORE) if first else 0
    end = min(len(text), start + length)
    window = text[start:end]
    marked = _marked(window, pattern)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + marked + suffix)  # noqa: S308 - `marked` is escaped
