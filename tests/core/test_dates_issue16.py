"""Issue 16: ambiguous day/month dates are flagged with both readings, never silently read."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from app.core.dates import find_dates, parse_date
from app.core.forms import LooseDateField


def test_a_numeric_date_that_reads_both_ways_is_flagged_with_both_readings():
    (found,) = find_dates("Signed 05.09.2025 in Tehran")
    assert found.ambiguous
    assert found.readings == (dt.date(2025, 9, 5), dt.date(2025, 5, 9))
    assert found.date == dt.date(2025, 9, 5)  # the day-first reading stays the first


@pytest.mark.parametrize("text", ["18.06.2024", "2024-06-05", "05.05.2025", "۲۹ خرداد ۱۴۰۳"])
def test_dates_with_one_reading_are_not_flagged(text):
    (found,) = find_dates(text)
    assert not found.ambiguous and found.readings == (found.date,)


def test_the_loose_date_field_refuses_an_ambiguous_date_naming_both_readings():
    with pytest.raises(ValidationError) as excinfo:
        LooseDateField().clean("05.09.2025")
    message = " ".join(excinfo.value.messages)
    assert "5 September 2025" in message and "9 May 2025" in message
    assert LooseDateField().clean("2025-09-05") == dt.date(2025, 9, 5)
    assert parse_date("05.09.2025") == dt.date(2025, 9, 5)


@pytest.mark.parametrize(
    "text",
    [
        "گفت\u200cوگو در ١۸ ژوئن ۲۰۲۴ (٢۹ خرداد ۱۴۰۳) انجام شد",
        "Bürger\u00admeister: STRASSE 18 June 2024, and 05.09.2025",
        "ا\u0653\u0640 ۱۲ مهر\u200f ۱۴۰۳",
    ],
)
def test_found_spans_index_the_original_text_whatever_folding_removed(text):
    for found in find_dates(text):
        assert text[found.start : found.end] == found.text
        assert find_dates(found.text)[0].date == found.date
