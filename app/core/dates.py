"""Find, parse and format publication dates in Gregorian and Solar Hijri (Jalali) form.

Why this module exists: Persian news pages date themselves in several ways at once
(`05.09.2025`, `١۸ ژوئن ۲۰۲۴ (٢۹ خرداد ۱۴۰۳)`, `۱۴۰۳/۰۳/۲۹`), often with Persian and
Arabic-Indic digits mixed in one number, and the date a treaty was signed is exactly
the kind of fact Sanad checks. So dates are found in article text, turned into one
Gregorian `datetime.date`, and shown back in the reader's calendar.

Design choices:

* Calendar arithmetic comes from `jdatetime`, a maintained library; the Solar Hijri
  leap-year rule is not something to reimplement. Only the recognition of the
  written forms is done here, because it is specific to the texts Sanad reads.
* Matching runs on `app.core.text.fold`ed text (every digit system becomes ASCII,
  Arabic ي/ك become Persian ی/ک, ZWNJ and tatweel disappear, NBSP becomes a space),
  but every reported span indexes the ORIGINAL text, so a found date can anchor a
  highlight. Folding can drop characters, so an index map from folded positions back
  to original ones is kept.
* Numeric dates are read day first (`05.09.2025` is 5 September): these articles are
  not American. When the other reading is also a date, `FoundDate.readings` holds
  both and `ambiguous` is set; `read_date` (typed input) refuses such a date naming
  both readings rather than choosing silently. A 4-digit year in 1300-1499 in a
  numeric date means Jalali, both as `YYYY/MM/DD` (how Persian sites write it) and
  day first.
* Month names that are also ordinary words (مه, می, دی, مهر, تیر, May) only count
  with a day number before and a year after, and never as the start of a longer word
  (`مهر` is not `مه` + `ر`).
* Dates that do not exist in their calendar (30.02.2025, 30 Esfand in a common year)
  are skipped, not clamped.
"""

from __future__ import annotations

import bisect
import datetime
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jdatetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from app.core.text import _FOLD_TABLE, fold

GREGORIAN = "gregorian"
JALALI = "jalali"

# Years a purely numeric date may carry. 1300-1499 is read as Jalali (the Solar Hijri
# years of the last and next century); anything outside both windows is more likely a
# version number, phone fragment or count than a date.
_JALALI_NUMERIC_YEARS = range(1300, 1500)
_GREGORIAN_NUMERIC_YEARS = range(1500, 3000)
# Years accepted next to a Jalali month name; a Gregorian-looking year (`۳ دی ۲۰۲۴`)
# next to a Jalali month is a slip, not the year 2645.
_JALALI_NAMED_YEARS = range(1000, 2000)
_GREGORIAN_NAMED_YEARS = range(1000, 10000)

_ENGLISH_GREGORIAN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# The forms used when formatting come first in each tuple.
_PERSIAN_GREGORIAN_MONTHS: tuple[tuple[str, ...], ...] = (
    ("ژانویه",),
    ("فوریه",),
    ("مارس",),
    ("آوریل", "اوریل"),
    ("مه", "می"),
    ("ژوئن", "ژوین"),
    ("ژوئیه", "ژوییه", "جولای"),
    ("اوت", "آگوست", "اگوست"),
    ("سپتامبر",),
    ("اکتبر",),
    ("نوامبر",),
    ("دسامبر",),
)
_PERSIAN_JALALI_MONTHS: tuple[tuple[str, ...], ...] = (
    ("فروردین",),
    ("اردیبهشت",),
    ("خرداد",),
    ("تیر",),
    ("مرداد", "امرداد"),
    ("شهریور",),
    ("مهر",),
    ("آبان",),
    ("آذر",),
    ("دی",),
    ("بهمن",),
    ("اسفند",),
)
_ENGLISH_JALALI_MONTHS = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@dataclass(frozen=True)
class FoundDate:
    """A date found in a text.

    `date` is always the Gregorian date; `calendar` says how it was written
    ("gregorian" or "jalali"). `start`/`end` are code-point offsets into the text that
    was searched, so `text[start:end] == found.text`.
    """

    date: datetime.date
    calendar: str
    start: int
    end: int
    text: str
    # Every reading of the written date, the one in `date` first: two when a numeric
    # date reads both day-first and month-first (05.09.2025), else just `date`.
    readings: tuple[datetime.date, ...] = ()

    def __post_init__(self) -> None:
        if not self.readings:
            object.__setattr__(self, "readings", (self.date,))

    @property
    def ambiguous(self) -> bool:
        """True when day and month could be swapped: the reader must choose."""
        return len(self.readings) > 1


# --- month-name lookup ------------------------------------------------------------


def _month_names() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Return folded month name -> month number for English, Persian-Gregorian, Jalali."""
    english: dict[str, int] = {}
    for number, name in enumerate(_ENGLISH_GREGORIAN_MONTHS, start=1):
        english[fold(name)] = number
        english[fold(name[:3])] = number
    english["sept"] = 9
    persian_gregorian = {
        fold(name): number
        for number, names in enumerate(_PERSIAN_GREGORIAN_MONTHS, start=1)
        for name in names
    }
    jalali = {
        fold(name): number
        for number, names in enumerate(_PERSIAN_JALALI_MONTHS, start=1)
        for name in names
    }
    return english, persian_gregorian, jalali


_ENGLISH_MONTH_NUMBERS, _PERSIAN_GREGORIAN_MONTH_NUMBERS, _JALALI_MONTH_NUMBERS = _month_names()


def _persian_name_alternation(names: dict[str, int]) -> str:
    """Regex alternation of Persian month names, longest first (so مهر beats مه).

    A name ending in ه may carry the ezafe (ژانویهٔ, ژانویه‌ی, ژانویۀ).
    """
    alternatives = []
    for name in sorted(names, key=len, reverse=True):
        pattern = re.escape(name)
        if name.endswith("ه"):
            pattern = f"(?:{pattern}(?:\u0654|ی)?|{re.escape(name[:-1])}\u06c0)"
        alternatives.append(pattern)
    return "|".join(alternatives)


def _month_key(written: str, names: dict[str, int]) -> int:
    """Month number of a Persian name as matched, undoing the ezafe spellings."""
    if written in names:
        return names[written]
    if written.endswith("\u06c0"):
        return names[written[:-1] + "ه"]
    return names[written[:-1]]  # ژانویهٔ / ژانویهی


# --- patterns (run on folded text) ------------------------------------------------

_LETTER = r"[^\W\d_]"  # any letter, in any script
_NOT_AFTER_LETTER = rf"(?<!{_LETTER})"
_NOT_BEFORE_LETTER = rf"(?!{_LETTER})"
# Numbers: no digit right before/after, and not part of a longer dotted/slashed run
# such as a version number or an IP address.
_NUM_START = r"(?<![0-9])(?<![0-9][./-])"
_NUM_END = r"(?![0-9])(?![./-][0-9])"
_DAY = r"(?P<day>[0-9]{1,2})"
_YEAR = r"(?P<year>[0-9]{4})(?![0-9])"
_ORDINAL = r"(?:st|nd|rd|th)?"

_ENGLISH_MONTH = "|".join(
    re.escape(n) for n in sorted(_ENGLISH_MONTH_NUMBERS, key=len, reverse=True)
)
_ENGLISH_MONTH_GROUP = rf"(?P<month>{_ENGLISH_MONTH})\.?{_NOT_BEFORE_LETTER}"

# "ماه" (month) may follow the name, joined or spaced (خردادماه, خرداد ماه), and
# "سال" (year) may precede the year.
_PERSIAN_AFTER_MONTH = r"(?:\s*ماه)?" + _NOT_BEFORE_LETTER + r"\s*(?:سال\s*)?"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 2024-06-18, 2024/06/18, 1403/03/29 (also the date part of 2024-06-18T10:00:00).
    (
        "ymd",
        re.compile(
            _NUM_START
            + r"(?P<year>[0-9]{4})(?P<sep>[./-])(?P<month>[0-9]{1,2})(?P=sep)"
            + r"(?P<day>[0-9]{1,2})"
            + _NUM_END
        ),
    ),
    # 05.09.2025, 05/09/2025, 05-09-2025: day first.
    (
        "dmy",
        re.compile(
            _NUM_START
            + r"(?P<day>[0-9]{1,2})(?P<sep>[./-])(?P<month>[0-9]{1,2})(?P=sep)"
            + r"(?P<year>[0-9]{4})"
            + _NUM_END
        ),
    ),
    # 18 June 2024, 18th of Jun. 2024, 18 June, 2024.
    (
        "english_dmy",
        re.compile(
            r"(?<![0-9])"
            + _DAY
            + _ORDINAL
            + r"\s+(?:of\s+)?"
            + _ENGLISH_MONTH_GROUP
            + r",?\s+"
            + _YEAR
        ),
    ),
    # June 18, 2024, Jun. 18 2024, June 18th, 2024.
    (
        "english_mdy",
        re.compile(
            _NOT_AFTER_LETTER
            + _ENGLISH_MONTH_GROUP
            + r"\s*"
            + _DAY
            + _ORDINAL
            + r"(?![0-9])\s*[,،]?\s*"
            + _YEAR
        ),
    ),
    # ۱۸ ژوئن ۲۰۲۴
    (
        "persian_gregorian",
        re.compile(
            r"(?<![0-9])"
            + _DAY
            + r"\s*(?P<month>"
            + _persian_name_alternation(_PERSIAN_GREGORIAN_MONTH_NUMBERS)
            + r")"
            + _PERSIAN_AFTER_MONTH
            + _YEAR
        ),
    ),
    # ۲۹ خرداد ۱۴۰۳, ۲۹ خرداد ماه ۱۴۰۳, ۲۹ خردادماه سال ۱۴۰۳
    (
        "persian_jalali",
        re.compile(
            r"(?<![0-9])"
            + _DAY
            + r"\s*(?P<month>"
            + _persian_name_alternation(_JALALI_MONTH_NUMBERS)
            + r")"
            + _PERSIAN_AFTER_MONTH
            + _YEAR
        ),
    ),
)


# --- folding with an index map ----------------------------------------------------


class _SkipMap:
    """Folded index -> original index when folding only deleted `skipped` characters."""

    def __init__(self, skipped: list[int], after: int) -> None:
        self.skipped = skipped
        self.after = after  # 0 for starts, 1 for ends

    def __getitem__(self, index: int) -> int:
        shift = 0
        while True:
            moved = bisect.bisect_right(self.skipped, index + shift)
            if moved == shift:
                return index + shift + self.after
            shift = moved


# Characters `fold` deletes (its table's; case folding only maps or expands).
_FOLD_DELETES = re.compile(
    "[" + re.escape("".join(chr(code) for code, to in _FOLD_TABLE.items() if to is None)) + "]"
)


def _fold_with_map(text: str) -> tuple[str, Any, Any]:
    """Fold `text` and map each folded character back to the original text.

    Fast path: for NFC text (all stored text is) where folding only deletes characters
    (joiners, tatweel, format characters) and maps the rest one to one, the map is the
    list of deleted positions. Otherwise every cluster is folded on its own (below).

    Returns `(folded, starts, ends)`: folded character `i` came from `text[starts[i]:
    ends[i]]`. Folding works on clusters (a character plus the combining marks after
    it) so that NFC composition inside a cluster (ا + ٓ -> آ) still happens; characters
    that fold removes (ZWNJ, tatweel) simply leave no entry.
    """
    if unicodedata.is_normalized("NFC", text):
        folded = fold(text)
        skipped = [match.start() for match in _FOLD_DELETES.finditer(text)]
        if len(folded) == len(text) - len(skipped):
            return folded, _SkipMap(skipped, 0), _SkipMap(skipped, 1)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    length = len(text)
    i = 0
    while i < length:
        j = i + 1
        while j < length and unicodedata.combining(text[j]):
            j += 1
        folded = fold(text[i:j])
        pieces.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([j] * len(folded))
        i = j
    return "".join(pieces), starts, ends


# --- conversion -------------------------------------------------------------------


def _gregorian(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _from_jalali(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return jdatetime.date(year, month, day).togregorian()
    except (ValueError, OverflowError):
        return None


def _resolve(kind: str, match: re.Match[str]) -> tuple[datetime.date, str] | None:
    """Turn a regex match into (Gregorian date, calendar), or None if it is no real date."""
    year = int(match["year"])
    day = int(match["day"])
    written_month = match["month"]
    if kind in ("ymd", "dmy"):
        month = int(written_month)
        if year in _JALALI_NUMERIC_YEARS:
            found = _from_jalali(year, month, day)
            return (found, JALALI) if found else None
        if year in _GREGORIAN_NUMERIC_YEARS:
            found = _gregorian(year, month, day)
            return (found, GREGORIAN) if found else None
        return None
    if kind in ("english_dmy", "english_mdy"):
        if year not in _GREGORIAN_NAMED_YEARS:
            return None
        found = _gregorian(year, _ENGLISH_MONTH_NUMBERS[written_month], day)
        return (found, GREGORIAN) if found else None
    if kind == "persian_gregorian":
        if year not in _GREGORIAN_NAMED_YEARS:
            return None
        month = _month_key(written_month, _PERSIAN_GREGORIAN_MONTH_NUMBERS)
        found = _gregorian(year, month, day)
        return (found, GREGORIAN) if found else None
    if year not in _JALALI_NAMED_YEARS:
        return None
    found = _from_jalali(year, _month_key(written_month, _JALALI_MONTH_NUMBERS), day)
    return (found, JALALI) if found else None


# --- public API -------------------------------------------------------------------


def _month_first_reading(kind: str, match: re.Match[str]) -> datetime.date | None:
    """The other reading of a day-first numeric date whose day could be a month."""
    if kind != "dmy":
        return None
    day, month, year = int(match["day"]), int(match["month"]), int(match["year"])
    if day == month or day > 12 or month > 12:
        return None
    if year in _JALALI_NUMERIC_YEARS:
        return _from_jalali(year, day, month)
    return _gregorian(year, day, month)


def _candidates(text: str) -> Iterator[FoundDate]:
    folded, starts, ends = _fold_with_map(text)
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            resolved = _resolve(kind, match)
            if resolved is None:
                continue
            start = starts[match.start()]
            end = ends[match.end() - 1]
            other = _month_first_reading(kind, match)
            yield FoundDate(
                date=resolved[0],
                calendar=resolved[1],
                start=start,
                end=end,
                text=text[start:end],
                readings=(resolved[0], other) if other else (resolved[0],),
            )


def find_dates(text: str) -> list[FoundDate]:
    """Return every date written in `text`, in text order.

    Recognised forms (digits may be ASCII, Persian or Arabic-Indic, mixed):
    ISO `2024-06-18` (also the date of `2024-06-18T10:00:00+03:30`) and `2024/06/18`;
    day-first `05.09.2025`, `05/09/2025`, `05-09-2025`; Jalali numeric `۱۴۰۳/۰۳/۲۹`
    (any numeric date with a year in 1300-1499); English `18 June 2024`,
    `June 18, 2024`, `18 Jun 2024`, `Jun. 18, 2024`; Persian names of Gregorian months
    `۱۸ ژوئن ۲۰۲۴`; Jalali month names `۲۹ خرداد ۱۴۰۳`, `۲۹ خرداد ماه ۱۴۰۳`.
    Dates that do not exist in their calendar are skipped. Spans index `text` itself.
    """
    if not text:
        return []
    found: list[FoundDate] = []
    last_end = -1
    # Earliest first; at the same start the longer match wins; overlaps are dropped.
    for candidate in sorted(_candidates(text), key=lambda c: (c.start, -c.end)):
        if candidate.start >= last_end:
            found.append(candidate)
            last_end = candidate.end
    return found


def parse_date(text: str) -> datetime.date | None:
    """Return the (Gregorian) date of the first date written in `text`, or None."""
    found = find_dates(text)
    return found[0].date if found else None


# Month names that are also ordinary words count only with a year after them.
_NAMES_NEEDING_A_YEAR = frozenset({"مه", "می", "may"})
_DAY_MONTH_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "day_month",
        re.compile(
            r"(?<![0-9])"
            + _DAY
            + _ORDINAL
            + r"\s*(?:of\s+)?(?P<month>"
            + _ENGLISH_MONTH
            + "|"
            + _persian_name_alternation(_PERSIAN_GREGORIAN_MONTH_NUMBERS)
            + "|"
            + _persian_name_alternation(_JALALI_MONTH_NUMBERS)
            + r")\.?(?:\s*ماه)?"
            + _NOT_BEFORE_LETTER
        ),
    ),
    (
        "month_day",
        re.compile(
            _NOT_AFTER_LETTER + _ENGLISH_MONTH_GROUP + r"\s*" + _DAY + _ORDINAL + r"(?![0-9])"
        ),
    ),
)


@dataclass(frozen=True)
class DayMonth:
    """A day and month written without a year (`18 June`, `۲۹ خرداد`).

    `calendar` is "gregorian" or "jalali"; `start`/`end` index the searched text.
    """

    calendar: str
    month: int
    day: int
    start: int
    end: int


def _day_month(written_month: str, day: int) -> tuple[str, int] | None:
    if written_month in _NAMES_NEEDING_A_YEAR or not 1 <= day <= 31:
        return None
    if written_month in _ENGLISH_MONTH_NUMBERS:
        return GREGORIAN, _ENGLISH_MONTH_NUMBERS[written_month]
    for names, calendar in (
        (_PERSIAN_GREGORIAN_MONTH_NUMBERS, GREGORIAN),
        (_JALALI_MONTH_NUMBERS, JALALI),
    ):
        try:
            return calendar, _month_key(written_month, names)
        except KeyError:
            continue
    return None


def find_day_months(text: str) -> list[DayMonth]:
    """Days and months written without a year, in text order, outside full dates.

    For search queries such as `18 June` or `۲۹ خرداد`; `find_dates` reads the dates
    that have a year, and their spans are left out here.
    """
    if not text:
        return []
    taken = [(found.start, found.end) for found in find_dates(text)]
    folded, starts, ends = _fold_with_map(text)
    result: list[DayMonth] = []
    for _kind, pattern in _DAY_MONTH_PATTERNS:
        for match in pattern.finditer(folded):
            reading = _day_month(match["month"], int(match["day"]))
            if reading is None:
                continue
            start, end = starts[match.start()], ends[match.end() - 1]
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            result.append(DayMonth(reading[0], reading[1], int(match["day"]), start, end))
    return sorted(result, key=lambda found: found.start)


class DateInputError(ValueError):
    """A typed date Sanad cannot read, or one that reads two ways; `str()` says which."""


def read_date(text: str) -> datetime.date | None:
    """Read a date a person typed (form, API, manifest): None when `text` is blank.

    The one parser behind every typed date. Raises `DateInputError` when no date can
    be read, or when day and month could be swapped (`05.09.2025`): the message names
    both readings, and the person writes it unambiguously instead.
    """
    text = (text or "").strip()
    if not text:
        return None
    found = find_dates(text)
    if not found:
        raise DateInputError(
            _("“%(text)s” is not a date Sanad can read; try 2024-06-18 or 18 June 2024.")
            % {"text": text[:40]}
        )
    first = found[0]
    if first.ambiguous:
        day_first, month_first = first.readings
        language = get_language() or "en"
        raise DateInputError(
            _("“%(text)s” could be %(first)s or %(second)s; write %(iso1)s or %(iso2)s instead.")
            % {
                "text": first.text,
                "first": format_gregorian(day_first, language),
                "second": format_gregorian(month_first, language),
                "iso1": day_first.isoformat(),
                "iso2": month_first.isoformat(),
            }
        )
    return first.date


def _is_persian(language: str) -> bool:
    code = (language or "").strip().lower().replace("_", "-")
    return code.split("-")[0] in ("fa", "fas", "per")


def format_gregorian(d: datetime.date, language: str = "en") -> str:
    """Format `d` as "18 June 2024", or "۱۸ ژوئن ۲۰۲۴" (Persian digits) for Persian."""
    if _is_persian(language):
        month = _PERSIAN_GREGORIAN_MONTHS[d.month - 1][0]
        return f"{d.day} {month} {d.year}".translate(_PERSIAN_DIGITS)
    return f"{d.day} {_ENGLISH_GREGORIAN_MONTHS[d.month - 1]} {d.year}"


def format_jalali(d: datetime.date, language: str = "fa") -> str:
    """Format `d` in the Solar Hijri calendar: "۲۹ خرداد ۱۴۰۳", or "29 Khordad 1403"."""
    jalali = jdatetime.date.fromgregorian(date=d)
    if _is_persian(language):
        month = _PERSIAN_JALALI_MONTHS[jalali.month - 1][0]
        return f"{jalali.day} {month} {jalali.year}".translate(_PERSIAN_DIGITS)
    return f"{jalali.day} {_ENGLISH_JALALI_MONTHS[jalali.month - 1]} {jalali.year}"


def format_both(d: datetime.date, language: str) -> str:
    """Format `d` for an article in `language`.

    Persian articles get both calendars, the way Persian outlets write it:
    "۱۸ ژوئن ۲۰۲۴ (۲۹ خرداد ۱۴۰۳)". Every other language gets the Gregorian form
    only: the Solar Hijri calendar means nothing to Arabic, Hebrew or Urdu readers.
    """
    if _is_persian(language):
        return f"{format_gregorian(d, language)} ({format_jalali(d, language)})"
    return format_gregorian(d, language)
