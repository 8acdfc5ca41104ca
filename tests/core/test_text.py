import pytest

from app.core.text import direction_for, fold, guess_language, normalize_text


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("۱۸ ژوئن", "١۸ ژوئن"),  # Persian vs Arabic-Indic digits
        ("۱۸ ژوئن", "18 ژوئن"),
        ("گفت‌وگو", "گفتوگو"),  # with and without ZWNJ
        ("علي", "علی"),  # Arabic yeh vs Farsi yeh
        ("كتاب", "کتاب"),  # Arabic kaf vs keheh
        ("بـــزرگ", "بزرگ"),  # tatweel
        ("گزارش\u00a0ویژه", "گزارش ویژه"),  # NBSP
        ("Straße", "STRASSE"),  # case folding, not just lowercasing
    ],
)
def test_fold_makes_spelling_variants_equal(left, right):
    assert fold(left) == fold(right)


def test_fold_keeps_different_words_different():
    assert fold("گفتگو") != fold("گفت و گو")
    assert fold("۱۸") != fold("۱۹")


def test_normalize_text_only_composes_and_leaves_persian_untouched():
    decomposed = "e\u0301"
    assert normalize_text(decomposed) == "\u00e9"
    persian = "گفتوگو\u00a0۱۸ ١۸\u200c"
    assert normalize_text(persian) == persian


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("fa", "", "rtl"),
        ("fa-IR", "", "rtl"),
        ("ar", "", "rtl"),
        ("he", "", "rtl"),
        ("ur", "", "rtl"),
        ("en", "سلام دنیا", "ltr"),  # a declared language wins over the letters
        ("", "سلام دنیا، این یک متن است", "rtl"),
        ("", "Hello world", "ltr"),
    ],
)
def test_direction_for(language, text, expected):
    assert direction_for(language, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("این یک گزارش ویژه است که پیش از این منتشر شد", "fa"),
        ("هذا تقرير خاص نشر من قبل", "ar"),
        ("זהו דיווח מיוחד", "he"),
        ("This is an English report", ""),
    ],
)
def test_guess_language_from_script(text, expected):
    assert guess_language(text) == expected
