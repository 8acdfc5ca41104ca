from datetime import date

import pytest

from app.core.dates import (
    FoundDate,
    find_dates,
    format_both,
    format_gregorian,
    format_jalali,
    parse_date,
)
from tests.seeds import seed_path

TREATY_DAY = date(2024, 6, 18)  # 29 Khordad 1403: Putin in Pyongyang, treaty signed


def assert_spans_exact(text: str, found: list[FoundDate]) -> None:
    for item in found:
        assert text[item.start : item.end] == item.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("١۸ ژوئن ۲۰۲۴", TREATY_DAY),  # Arabic-Indic and Persian digits mixed
        ("٢۹ خرداد ۱۴۰۳", TREATY_DAY),  # the same day in the Jalali calendar
        ("05.09.2025", date(2025, 9, 5)),  # day first
        ("05/09/2025", date(2025, 9, 5)),
        ("05-09-2025", date(2025, 9, 5)),
        ("18 June 2024", TREATY_DAY),
        ("18 Jun 2024", TREATY_DAY),
        ("18th of June, 2024", TREATY_DAY),
        ("June 18, 2024", TREATY_DAY),
        ("Jun. 18, 2024", TREATY_DAY),
        ("2024-06-18", TREATY_DAY),
        ("2024-06-18T10:00:00+03:30", TREATY_DAY),
        ("2024/06/18", TREATY_DAY),
        ("۱۴۰۳/۰۳/۲۹", TREATY_DAY),  # Jalali, year first as Persian sites write it
        ("1403-3-29", TREATY_DAY),
        ("۲۹/۰۳/۱۴۰۳", TREATY_DAY),  # Jalali, day first
        ("سه‌شنبه ۲۹ خرداد ۱۴۰۳", TREATY_DAY),  # weekday before
        ("۲۹ خرداد ماه ۱۴۰۳", TREATY_DAY),  # "month" after the name
        ("۲۹ خرداد‌ماه سال ۱۴۰۳", TREATY_DAY),
        ("۱۸ ژوئن سال ۲۰۲۴", TREATY_DAY),
        ("۱۰ ژانویهٔ ۲۰۲۴", date(2024, 1, 10)),  # ezafe on the month name
        ("۵ می ۲۰۲۴", date(2024, 5, 5)),
        ("۵ جولای ۲۰۲۴", date(2024, 7, 5)),
        ("۵ آگوست ۲۰۲۴", date(2024, 8, 5)),
        ("۵ امرداد ۱۴۰۳", date(2024, 7, 26)),
        ("۵ دی‌ماه ۱۴۰۲", date(2023, 12, 26)),
        ("۱ فروردين ۱۴۰۳", date(2024, 3, 20)),  # Arabic yeh in the month name
    ],
)
def test_parse_date_forms(text, expected):
    assert parse_date(text) == expected


def test_both_calendars_in_one_dateline_with_exact_spans():
    text = "١۸ ژوئن ۲۰۲۴ (٢۹ خرداد ۱۴۰۳)"
    found = find_dates(text)
    assert [(f.date, f.calendar) for f in found] == [
        (TREATY_DAY, "gregorian"),
        (TREATY_DAY, "jalali"),
    ]
    assert [f.text for f in found] == ["١۸ ژوئن ۲۰۲۴", "٢۹ خرداد ۱۴۰۳"]
    assert_spans_exact(text, found)


def test_spans_index_the_original_text_after_removed_characters():
    # ZWNJ and tatweel vanish when folding and NBSP turns into a space; spans must
    # still point into the text as written.
    text = "گزارش\u00a0ویژه: نشست‌های دو کشور در\u00a0١۸ ژوئن ۲۰۲۴ و خـــرداد ماه، ٢۹ خـرداد ۱۴۰۳."
    found = find_dates(text)
    assert [f.date for f in found] == [TREATY_DAY, TREATY_DAY]
    assert_spans_exact(text, found)
    assert found[0].text == "١۸ ژوئن ۲۰۲۴"
    assert found[1].text == "٢۹ خـرداد ۱۴۰۳"  # the tatweel stays inside the span


def test_dates_come_back_in_text_order():
    text = "Signed 2024-06-18, ratified 05.09.2025 and reported on ۱۲ مهر ۱۴۰۳."
    assert [f.date for f in find_dates(text)] == [
        TREATY_DAY,
        date(2025, 9, 5),
        date(2024, 10, 3),
    ]


def test_nowruz_boundary():
    assert parse_date("۱ فروردین ۱۴۰۳") == date(2024, 3, 20)
    assert parse_date("۲۹ اسفند ۱۴۰۲") == date(2024, 3, 19)
    # 1403 is a leap year, so Esfand has 30 days: Nowruz 1404 fell on 21 March 2025.
    assert parse_date("۳۰ اسفند ۱۴۰۳") == date(2025, 3, 20)
    assert parse_date("۱ فروردین ۱۴۰۴") == date(2025, 3, 21)


@pytest.mark.parametrize(
    "text",
    [
        "۳۰ اسفند ۱۴۰۲",  # 1402 is a common year: Esfand has 29 days
        "30.02.2025",
        "31/04/2025",
        "2025-13-01",
        "۳۲ خرداد ۱۴۰۳",
        "29 February 2023",
        "۱۴۰۲/۱۲/۳۰",
    ],
)
def test_invalid_dates_are_skipped(text):
    assert find_dates(text) == []


def test_invalid_date_does_not_hide_a_later_valid_one():
    assert [f.date for f in find_dates("30.02.2025 یا 28.02.2025")] == [date(2025, 2, 28)]


def test_mehr_is_not_read_as_may():
    found = find_dates("۱۲ مهر ۱۴۰۳")
    assert [(f.date, f.calendar, f.text) for f in found] == [
        (date(2024, 10, 3), "jalali", "۱۲ مهر ۱۴۰۳")
    ]
    found = find_dates("۱۲ مه ۲۰۲۴")
    assert [(f.date, f.calendar) for f in found] == [(date(2024, 5, 12), "gregorian")]
    # Month names at the start of longer words are not month names.
    assert find_dates("۱۲ مهرداد ۱۴۰۳") == []
    assert find_dates("۲ میلیون ۲۰۲۴") == []
    assert find_dates("۵ دیروز ۱۴۰۳") == []
    assert find_dates("5 Mayday 2024") == []


def test_short_month_words_need_a_day_and_a_year():
    assert find_dates("تیر و مهر و دی و می ۱۴۰۳") == []
    assert find_dates("در ۵ دی گذشته") == []
    assert find_dates("در سال ۲۰۲۲ نزدیکتر شد") == []


def test_numbers_that_are_not_dates():
    assert find_dates("version 10.05.09.2025") == []
    assert find_dates("۱۲۰۰ نفر در ۳ روز، ۴۵٫۵ درصد") == []
    assert find_dates("01.01.1200") == []  # neither a Jalali nor a plausible Gregorian year


def test_no_date_gives_empty_list():
    assert find_dates("روابط دو کشور پس از جنگ نزدیکتر شده است.") == []
    assert find_dates("") == []
    assert parse_date("no date here") is None


def test_format_functions_use_persian_digits_for_persian():
    assert format_gregorian(TREATY_DAY) == "18 June 2024"
    assert format_gregorian(TREATY_DAY, "fa") == "۱۸ ژوئن ۲۰۲۴"
    assert format_jalali(TREATY_DAY) == "۲۹ خرداد ۱۴۰۳"
    assert format_jalali(TREATY_DAY, "en") == "29 Khordad 1403"
    assert format_both(TREATY_DAY, "fa") == "۱۸ ژوئن ۲۰۲۴ (۲۹ خرداد ۱۴۰۳)"
    assert format_both(TREATY_DAY, "fa-IR") == "۱۸ ژوئن ۲۰۲۴ (۲۹ خرداد ۱۴۰۳)"
    assert format_both(TREATY_DAY, "en") == "18 June 2024"
    assert format_gregorian(date(2025, 9, 5), "fa") == "۵ سپتامبر ۲۰۲۵"
    assert format_jalali(date(2024, 3, 20), "en") == "1 Farvardin 1403"


def test_formatted_dates_parse_back():
    for day in (date(2024, 3, 19), date(2024, 3, 20), TREATY_DAY, date(2025, 12, 31)):
        for language in ("fa", "en"):
            assert parse_date(format_gregorian(day, language)) == day
        assert parse_date(format_jalali(day, "fa")) == day
        found = find_dates(format_both(day, "fa"))
        assert [(f.date, f.calendar) for f in found] == [(day, "gregorian"), (day, "jalali")]


def test_seed_articles():
    dateline = seed_path("000_b28f88bb043880d0.txt")
    text = dateline.read_text(encoding="utf-8")
    found = find_dates(text)
    assert_spans_exact(text, found)
    assert [(f.text, f.date, f.calendar) for f in found] == [
        ("05.09.2025", date(2025, 9, 5), "gregorian")
    ]

    both = seed_path("003_f397ca5df7d6e309.txt")
    text = both.read_text(encoding="utf-8")
    found = find_dates(text)
    assert_spans_exact(text, found)
    assert [(f.text, f.date, f.calendar) for f in found] == [
        ("١۸ ژوئن ۲۰۲۴", TREATY_DAY, "gregorian"),
        ("٢۹ خرداد ۱۴۰۳", TREATY_DAY, "jalali"),
    ]
    assert text[found[0].end : found[1].start] == " ("
