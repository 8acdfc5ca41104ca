"""Text rules shared by ingestion, anchoring, search and display.

Stored text is kept as received (NFC only). `fold` is for matching and searching
only: it makes spellings that readers treat as the same compare equal, and it must
never be applied to text that is stored or shown.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from importlib.metadata import version

ZWNJ = "\u200c"
ZWJ = "\u200d"
TATWEEL = "\u0640"
NBSP = "\u00a0"

FORMAT_CHARACTERS = (
    "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)

_FOLD_TABLE = str.maketrans(
    {
        # Arabic letter variants that Persian writes with its own code points.
        "\u064a": "\u06cc",  # ي ARABIC YEH -> ی FARSI YEH
        "\u0649": "\u06cc",  # ى ALEF MAKSURA -> ی
        "\u0643": "\u06a9",  # ك ARABIC KAF -> ک KEHEH
        ZWNJ: None,
        ZWJ: None,
        TATWEEL: None,
        NBSP: " ",
        "\u202f": " ",  # narrow no-break space
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Extended (Persian) digits
        # Invisible format characters that split a word for search without changing
        # how it reads: soft hyphen, zero-width space and word joiner, invisible
        # operators, byte-order mark, Mongolian vowel separator, and the bidi marks,
        # embeddings, overrides and isolates pasted text is full of.
        **dict.fromkeys(FORMAT_CHARACTERS),
    }
)

# Languages written right to left (ISO 639-1 / 639-3 codes as trafilatura and
# browsers report them).
RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku-arab", "ps", "sd", "ug", "ur", "yi"}
)

# Letters that occur in Persian but not in Arabic: their presence tells the two apart.
_PERSIAN_ONLY_LETTERS = frozenset("پچژگ")


def normalize_text(text: str) -> str:
    """Return `text` in Unicode NFC, the only change Sanad makes to stored text."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Fold `text` for matching: letter variants, digits, joiners and format characters
    (soft hyphens, zero-width spaces, bidi controls), NBSP and case."""
    return unicodedata.normalize("NFC", text).translate(_FOLD_TABLE).casefold()


def _strong_direction_counts(text: str) -> tuple[int, int]:
    rtl = ltr = 0
    for char in text:
        bidi = unicodedata.bidirectional(char)
        if bidi in ("R", "AL"):
            rtl += 1
        elif bidi == "L":
            ltr += 1
    return rtl, ltr


def guess_language(text: str) -> str:
    """Guess the language from the script alone, or return "" when the script can't tell.

    Only scripts that name a language well enough are guessed (Persian vs Arabic by
    letters only Persian uses, Hebrew); Latin text could be any of dozens of languages.
    """
    sample = text[:5000]
    rtl, ltr = _strong_direction_counts(sample)
    if rtl <= ltr:
        return ""
    if any("\u0590" <= char <= "\u05ff" for char in sample):
        return "he"
    if any(char in _PERSIAN_ONLY_LETTERS for char in sample):
        return "fa"
    return "ar"


def direction_for(language: str, text: str = "") -> str:
    """Return "rtl" or "ltr": from the language when known, else from the text's letters."""
    code = (language or "").strip().lower()
    if code:
        base = code.split("-")[0].split("_")[0]
        return "rtl" if code in RTL_LANGUAGES or base in RTL_LANGUAGES else "ltr"
    rtl, ltr = _strong_direction_counts(text[:5000])
    return "rtl" if rtl > ltr else "ltr"


# --- one-line fields ------------------------------------------------------------------
#
# Titles, outlets, authors and other one-line fields hold no control characters (C0,
# DEL, C1, which terminals and CSV readers act on), no line or paragraph separators,
# and no Unicode noncharacters (U+FDD0-U+FDEF, U+xFFFE, U+xFFFF), which no text
# interchange should carry.
_ONE_LINE_FORBIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
    + "]"
)


def one_line_problem(value: str) -> str:
    """Why `value` cannot be a one-line field, in words, or "" when it can."""
    match = _ONE_LINE_FORBIDDEN.search(value or "")
    if match is None:
        return ""
    return (
        f"Remove the control character or noncharacter U+{ord(match.group()):04X} "
        f"(at character {match.start() + 1}); this field is a single line of text."
    )


def validate_one_line_fields(**fields: str) -> None:
    """Raise a `ValidationError` naming each one-line field that holds such a character."""
    from django.core.exceptions import ValidationError

    errors = {
        name: problem for name, value in fields.items() if (problem := one_line_problem(value))
    }
    if errors:
        raise ValidationError(errors)


def strip_control_characters(value: str) -> str:
    """`value` without the characters `one_line_problem` refuses (for imported metadata)."""
    return _ONE_LINE_FORBIDDEN.sub("", value or "")


# --- language detection ----------------------------------------------------------------

# Least letters, and least confidence, for a detected language to be reported.
_DETECT_MIN_LETTERS = 40
DETECT_MIN_CONFIDENCE = 0.5
_identifier = None
_identifier_lock = threading.Lock()


@dataclass(frozen=True)
class DetectedLanguage:
    language: str
    confidence: float

    def as_metadata(self) -> dict:
        return {
            "language": self.language,
            "confidence": round(self.confidence, 3),
            "by": f"py3langid {version('py3langid')}",
        }


def _language_identifier():
    """py3langid's model with normalized probabilities, loaded once (about 0.5 s)."""
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier


def detect_language(text: str) -> DetectedLanguage | None:
    """The language of `text` by py3langid (97 languages), with its confidence (0-1).

    For texts whose script does not name the language (`guess_language` returns "").
    None when the text is too short or the model is unsure (below 0.5).
    """
    sample = text[:5000]
    if sum(1 for char in sample if char.isalpha()) < _DETECT_MIN_LETTERS:
        return None
    language, confidence = _language_identifier().classify(sample)
    if confidence < DETECT_MIN_CONFIDENCE:
        return None
    return DetectedLanguage(language=language, confidence=float(confidence))
