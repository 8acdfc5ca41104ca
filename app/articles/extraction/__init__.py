"""Turning imported HTML (and pasted text) into clean article text and metadata.

The boilerplate decisions are trafilatura's (and, for pasted plain text, those of
jusText, the paragraph classifier trafilatura ships as its own fallback); this module
only prepares the input, protects characters the library would rewrite, and reads a
few metadata fields trafilatura does not report (`<html lang>`, the raw date string).

The output is plain text. Markup is parsed and discarded, never executed or kept:
`<script>`, `<style>`, SVG, forms, embeds and event-handler attributes contribute no
text, and links contribute only their visible words.

The steps, one module each: `decoding` (bytes -> str), `protection` (characters
trafilatura would rewrite), `extract` (HTML -> `Extracted`), `trim` (pasted text ->
lines to keep). Callers import from the package.
"""

from app.articles.extraction.decoding import HTML_MAX_BYTES, DecodedPage, decode_html, decode_page
from app.articles.extraction.extract import (
    DATE_CANDIDATES_MAX,
    EXTRACTOR,
    NO_TEXT_MESSAGE,
    Extracted,
    date_candidates,
    extract_article,
)
from app.articles.extraction.trim import TrimLine, TrimProposal, propose_trim

__all__ = [
    "DATE_CANDIDATES_MAX",
    "EXTRACTOR",
    "HTML_MAX_BYTES",
    "NO_TEXT_MESSAGE",
    "DecodedPage",
    "Extracted",
    "TrimLine",
    "TrimProposal",
    "date_candidates",
    "decode_html",
    "decode_page",
    "extract_article",
    "propose_trim",
]
