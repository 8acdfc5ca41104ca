"""Text rules shared by ingestion, anchoring, search and display.

Stored text is kept as received (NFC only). `fold` is for matching and searching
only: it makes spellings that readers treat as the same compare equal, and it must
never be applied to text that is stored or shown.
"""

import unicodedata

ZWNJ = "\u200c"
ZWJ = "\u200d"
TATWEEL = "\u0640"
NBSP = "\u00a0"

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
    """Fold `text` for matching: letter variants, digits, joiners, NBSP and case."""
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
