import sys
import unicodedata

import pytest
from django.db import connection

from app.core.text import fold

TRICKY = [
    "۱۸ ژوئن",
    "١۸ ژوئن",
    "گفت‌وگو",
    "گفت\u200dوگو",
    "علي و كتاب",
    "ى آخر",
    "بـــزرگ",
    "گزارش\u00a0ویژه",
    "۱۲\u202f۰۰۰",
    "Straße STRASSE",
    "ΣΊΣΥΦΟΣ ς",
    "İstanbul",
    "ﬁnance ﬀ",
    "e\u0301 café",  # decomposed: fold composes first
    "Å",  # ANGSTROM SIGN, NFC makes it Å
    "MiXeD 123 Case",
    "🚇 emoji",
    "",
]


@pytest.mark.django_db
@pytest.mark.parametrize("text", TRICKY)
def test_sql_fold_equals_python_fold_on_tricky_strings(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT sanad_fold(%s)", [text])
        assert cursor.fetchone()[0] == fold(text)


@pytest.mark.django_db
def test_sql_fold_equals_python_fold_on_every_assigned_code_point():
    codes = [
        code
        for code in range(1, min(sys.maxunicode, 0x1FFFF) + 1)
        if not 0xD800 <= code <= 0xDFFF and unicodedata.category(chr(code)) != "Cn"
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, sanad_fold(chr(code)) FROM unnest(%s::int[]) AS code", [codes])
        rows = cursor.fetchall()
    mismatches = [(hex(code), got) for code, got in rows if got != fold(chr(code))]
    assert len(rows) == len(codes)
    assert mismatches == []
