"""Dates and numbers as the reader reads them: their calendar, their language's digits.

For display only: stored text and stored dates are never rewritten. The calendar is the
signed-in person's setting (`User.preferred_calendar`); someone signed out gets the
Solar Hijri calendar in Persian and the Gregorian one otherwise.

    {% load sanad_dates %}
    {% show_day article.published_on both=True %}  ۲۹ خرداد ۱۴۰۳ (۱۸ ژوئن ۲۰۲۴)
    {% show_moment verdict.decided_at %}             ۲۹ خرداد ۱۴۰۳، ۱۴:۰۵
    (in English with the Gregorian calendar: 2024-06-18, 2024-06-18 14:05)
    {{ count|local_digits }}                          ۱۲

`both=True` is for the dates a fact-check rests on (publication and verdict dates):
the other calendar goes beside, so a Persian reader can match a date quoted in
either calendar.
"""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from app.core.dates import GREGORIAN, JALALI, format_gregorian, format_jalali

register = template.Library()

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _persian() -> bool:
    return (get_language() or "").split("-")[0] == "fa"


def _calendar(context) -> str:
    user = context.get("user")
    if user is None and (request := context.get("request")) is not None:
        user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return getattr(user, "preferred_calendar", GREGORIAN) or GREGORIAN
    return JALALI if _persian() else GREGORIAN


def digits(text: str) -> str:
    """ASCII digits as Persian ones when the interface speaks Persian."""
    return text.translate(_PERSIAN_DIGITS) if _persian() else text


def day_in(calendar: str, day: dt.date, *, both: bool = False) -> str:
    """`day` in `calendar` and the active language; with `both`, the other calendar beside."""
    language = get_language() or "en"
    jalali = format_jalali(day, language)
    # English pages have always shown ISO days (2024-06-18); Persian ones name the month.
    gregorian = format_gregorian(day, language) if _persian() else day.isoformat()
    primary, other = (jalali, gregorian) if calendar == JALALI else (gregorian, jalali)
    # An English reader of Gregorian dates has no use for the Solar Hijri one.
    if both and (calendar == JALALI or _persian()):
        return f"{primary} ({other})"
    return primary


def _as_day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, dt.date) else None


@register.simple_tag(takes_context=True)
def show_day(context, value, both: bool = False) -> str:
    """A date (or a moment's date) in the reader's calendar; "—" when there is none."""
    day = _as_day(value)
    if day is None:
        return "—"
    return day_in(_calendar(context), day, both=both)


@register.simple_tag(takes_context=True)
def show_moment(context, value, both: bool = False) -> str:
    """A moment as its day in the reader's calendar and its time (UTC, the app's zone)."""
    if not isinstance(value, dt.datetime):
        return show_day(context, value, both=both)
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    day = day_in(_calendar(context), moment.date(), both=both)
    separator = "، " if _persian() else " "
    return day + separator + digits(moment.strftime("%H:%M"))


@register.filter
def local_digits(value) -> str:
    """A number of the interface (a count, a page) in the language's digits."""
    if value is None or value == "":
        return ""
    return digits(str(value))
