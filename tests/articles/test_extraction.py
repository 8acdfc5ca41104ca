"""Article extraction from HTML and trim proposals for pasted text (no database)."""

import codecs
import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from app.articles.extraction import (
    NO_TEXT_MESSAGE,
    decode_html,
    extract_article,
    propose_trim,
)
from app.core.text import normalize_text
from tests.seeds import seed_path

PAGES = Path(__file__).resolve().parent / "pages"
ZWNJ, NBSP = "\u200c", "\u00a0"


def page_text(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def seed_text(name: str) -> str:
    return seed_path(name).read_text(encoding="utf-8")


def html_error(excinfo) -> str:
    return " ".join(excinfo.value.message_dict["html"])


@pytest.fixture(scope="module")
def fa():
    return extract_article(page_text("fa_news.html"))


@pytest.fixture(scope="module")
def en():
    return extract_article(page_text("en_news.html"))


# --- Persian page ---------------------------------------------------------------------


def test_persian_body_is_kept(fa):
    for sentence in (
        "به گزارش آینه شهر، مدیرعامل شرکت آب منطقه‌ای تهران روز سه‌شنبه در نشستی خبری",
        "این مقام مسئول می‌گوید کاهش بارندگی در پاییز و زمستان گذشته",
        "مصرف خانگی، بزرگ‌ترین چالش",
        "خبر داده‌اند.",  # the last sentence of the last paragraph
    ):
        assert sentence in fa.text


def test_persian_chrome_is_gone(fa):
    for chrome in (
        "سیاست داخلی",  # header navigation
        "محیط زیست شهری",  # breadcrumb
        "اشتراک در تلگرام",  # share buttons
        "کپی نشانی خبر",
        "جیره‌بندی برق در سه استان جنوبی",  # related news
        "اخبار مرتبط",
        "خبرنامه روزانه",  # newsletter box
        "صندوق نامه خود",
        "دیدگاه خوانندگان",  # comments
        "در محله ما هفته‌هاست",
        "تماس با تحریریه",  # footer
        "حقوق مادی و معنوی",
        "pageview",  # script
    ):
        assert chrome not in fa.text, chrome


def test_persian_metadata(fa):
    assert fa.title == "سطح مخازن سدهای تهران به کمترین میزان در یک دهه رسید"
    assert fa.author == "نسرین کاظمی"
    assert fa.site_name == "روزنامه آینه شهر"
    assert fa.published_on == dt.date(2024, 6, 11)
    assert fa.date_text == "2024-06-11T09:30:00+03:30"
    assert (fa.language, fa.direction) == ("fa", "rtl")
    assert fa.canonical_url == "https://aynehshahr.example/fa/news/48213/water-reservoirs"
    assert json.loads(json.dumps(fa.metadata)) == fa.metadata
    assert fa.metadata["extractor"].startswith("trafilatura 2.")
    assert fa.metadata["characters"] == len(fa.text)
    assert fa.metadata["published_on"] == "2024-06-11"
    assert fa.metadata["title"] == fa.title
    assert fa.metadata["direction"] == "rtl"


def test_zero_width_non_joiner_survives_extraction(fa):
    # trafilatura alone turns پیش‌بینی into پیشبینی (see TRAPS.md).
    assert f"پیش{ZWNJ}بینی" in fa.text
    assert f"می{ZWNJ}گوید" in fa.text
    assert "پیشبینی" not in fa.text
    assert "میگوید" not in fa.text
    source = page_text("fa_news.html")
    assert fa.text.count(f"پیش{ZWNJ}بینی") == source.count(f"پیش{ZWNJ}بینی")


def test_zero_width_non_joiner_survives_in_metadata():
    body = "<p>کارشناسان پیش‌بینی می‌کنند که مصرف آب در تابستان بیشتر شود و نگرانی‌ها بیشتر شود.</p>"
    extracted = extract_article(
        '<html lang="fa"><head><title>پیش‌بینی‌های تازه &amp; هشدار</title>'
        '<meta name="author" content="زهره می‌رزایی">'
        '<meta property="og:site_name" content="خبرگزاری پیش‌رو"></head>'
        f"<body><article>{body * 4}</article></body></html>"
    )
    assert extracted.title == f"پیش{ZWNJ}بینی{ZWNJ}های تازه & هشدار"
    assert extracted.author == f"زهره می{ZWNJ}رزایی"
    assert extracted.site_name == f"خبرگزاری پیش{ZWNJ}رو"


def test_no_break_spaces_and_digits_are_unchanged(fa):
    assert f"۲۸۴{NBSP}میلیون" in fa.text  # a literal U+00A0 in the page
    assert f"۴۵۰{NBSP}هزار" in fa.text  # written &nbsp; in the page
    assert "میانگین بلندمدت ٣٢ درصد" in fa.text  # Arabic-Indic digits
    assert "در ١۵ اردیبهشت ۱۴۰۳ به" in fa.text  # Arabic-Indic and Persian mixed
    assert "۲۸۴ میلیون" not in fa.text
    assert not any(char.isascii() and char.isdigit() for char in fa.text)


def test_text_is_nfc_and_otherwise_untouched():
    decomposed = "Cafe\u0301 owners said the re\u0301sume\u0301 of the plan was clear. " * 8
    page = (
        "<html lang='en'><body><article><h1>Plan</h1>"
        f"<p>{decomposed}</p><p>Second paragraph, with R&amp;D spending, &amp;copy and "
        "AT&amp;T named as the partners of the council in this plan.</p></article></body></html>"
    )
    extracted = extract_article(page)
    assert extracted.text == normalize_text(extracted.text)
    assert unicodedata.normalize("NFC", decomposed.strip()) in extracted.text
    # Text that looks like an entity stays text (trafilatura would unescape "&copy").
    assert "R&D spending, &copy and AT&T named" in extracted.text


def test_placeholders_cannot_collide_with_text_that_contains_them():
    # The first characters of the placeholder pool, already present in the page.
    linear_b = "".join(chr(code) for code in range(0x10000, 0x10008))
    body = f"Linear B signs {linear_b} appear beside پیش{ZWNJ}بینی and 10{NBSP}km. " * 6
    extracted = extract_article(f"<html><body><article><p>{body}</p></article></body></html>")
    assert body.strip() in extracted.text


# --- English page ---------------------------------------------------------------------


def test_english_body_chrome_and_metadata(en):
    for sentence in (
        "Ferry journeys across the harbour rose by 21 per cent",
        "“We expected an increase, but not on this scale,” said Helen Marsh",
        "to catch the first arrivals ☕🚢.",
        "A final decision on the future of the flat fare is expected",
    ):
        assert sentence in en.text
    for chrome in (
        "Business Desk",
        "Share on Facebook",
        "Lifeboat crew rescues kayakers",
        "Morning Briefing",
        "free newsletter",
        "harbourwatcher",
        "standing room only",
        "Contact the newsroom",
        "All rights reserved",
    ):
        assert chrome not in en.text, chrome
    assert en.title == "Harbour city ferry ridership hits record after fare cut"
    assert en.author == "Daniel Okafor"
    assert en.site_name == "The Coastal Ledger"
    assert en.published_on == dt.date(2025, 3, 14)
    assert (en.language, en.direction) == ("en", "ltr")  # <html lang="en-GB">
    assert en.canonical_url == (
        "https://coastal-ledger.example/news/2025/03/ferry-ridership-record"
    )


# --- Decoding -------------------------------------------------------------------------


def test_windows_1256_page_is_decoded_from_its_meta_charset():
    data = (PAGES / "windows1256.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    html = decode_html(data)
    assert "أعلنت وزارة الزراعة يوم الأحد أن إنتاج القمح" in html
    extracted = extract_article(html)
    assert "بلغ 3.2 مليون طن" in extracted.text
    assert "ارتفاع أسعار الخضار" not in extracted.text  # related news
    assert extracted.title == "إنتاج القمح يرتفع 15 في المئة هذا الموسم"
    assert extracted.site_name == "صحيفة الوادي"
    assert (extracted.language, extracted.direction) == ("ar", "rtl")
    assert extracted.canonical_url == "http://alwadi-news.example/economy/2023/06/wheat-harvest"


def test_http_charset_comes_before_meta_and_bom_before_both():
    page = '<html><head><meta charset="windows-1256"></head><body><p>پیش‌بینی</p></body></html>'
    assert "پیش‌بینی" in decode_html(page.encode("utf-8"), declared_charset="utf-8")
    bom_page = codecs.BOM_UTF8 + page.encode("utf-8")
    assert decode_html(bom_page, declared_charset="windows-1256") == page


def test_utf8_and_utf16_byte_order_marks_are_handled():
    source = page_text("fa_news.html")
    decoded = decode_html(codecs.BOM_UTF8 + source.encode("utf-8"))
    assert decoded == source and not decoded.startswith("\ufeff")
    assert f"پیش{ZWNJ}بینی" in extract_article(decoded).text
    assert decode_html(codecs.BOM_UTF16_LE + source.encode("utf-16-le")) == source


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"\x00" * 4096,
        b"<html><body>" + b"\x00" * 64 + b"</body></html>",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"",
    ],
    ids=["png", "nul-blob", "nul-in-html", "pdf", "jpeg", "zip", "empty"],
)
def test_binary_input_is_refused(data):
    with pytest.raises(ValidationError) as excinfo:
        decode_html(data)
    assert excinfo.value.message_dict["html"]


def test_undecodable_input_is_refused():
    # High bytes that are not UTF-8 and no code page reads as plausible text.
    data = bytes((0x80 + (i * 37) % 0x80) for i in range(3000))
    with pytest.raises(ValidationError) as excinfo:
        decode_html(data)
    assert "encoding" in html_error(excinfo)


# --- Pages without a body, hostile pages -----------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "",
        "<html><head><title>Nothing</title></head><body></body></html>",
        "<html><body><script>var a = 'a long script that says nothing'; alert(1);</script>"
        "<style>p { color: red }</style></body></html>",
        "<html><body><svg width='100' height='100'><circle r='40'/><text>Chart label</text>"
        "</svg><svg><script>alert(2)</script></svg></body></html>",
    ],
    ids=["empty", "empty-body", "scripts-only", "svg-only"],
)
def test_page_without_article_text_is_refused(page):
    with pytest.raises(ValidationError) as excinfo:
        extract_article(page)
    assert html_error(excinfo) == NO_TEXT_MESSAGE


def test_hostile_page_yields_text_without_code():
    extracted = extract_article(page_text("hostile.html"))
    text = extracted.text
    for sentence in (
        "The city council voted on Tuesday to build a permanent flood barrier",
        "is expected to cost £46 million",
        "Read the council report for the full figures.",  # the link's words only
        "Local shop owners welcomed the decision.",  # after an <embed>
        "A spokesperson for the national environment agency",
    ):
        assert sentence in text
    for code in (
        "alert(",
        "javascript:",
        "onerror",
        "onclick",
        "document.cookie",
        "fetch(",
        "evil.example",
        "STYLE-CONTENT-LEAK",
        "SVG-TEXT-LEAK",
        "FORM-VALUE-LEAK",
        "INLINE-STYLE-DIV",
        "background",
        "<",
        ">",
    ):
        assert code not in text, code
    assert extracted.canonical_url == ""
    assert extracted.published_on is None


# --- Metadata details -------------------------------------------------------------------


def test_date_is_not_guessed_from_body_text():
    body = "<p>The council will vote on 9 April 2025 on the plan agreed on 2 February 2025.</p>"
    page = f"<html lang='en'><body><article>{body * 5}</article></body></html>"
    extracted = extract_article(page)
    assert extracted.published_on is None
    assert extracted.date_text == ""


def test_date_text_is_the_string_behind_the_date():
    body = "<p>A sentence long enough to count as article text in this page.</p>" * 5
    page = (
        '<html lang="en"><head><meta property="article:published_time" '
        'content="2024-05-02T08:00:00+01:00"></head><body><article>'
        f'<time datetime="2024-05-02">2 May 2024</time>{body}</article>'
        '<aside><time datetime="2023-01-09">Older story</time></aside></body></html>'
    )
    extracted = extract_article(page)
    assert extracted.published_on == dt.date(2024, 5, 2)
    assert extracted.date_text == "2024-05-02T08:00:00+01:00"


def test_jalali_date_text_is_read_in_its_own_calendar():
    page = (
        "<html lang='fa'><body><article><time>۲۲ خرداد ١۴۰۳</time>"
        + "<p>این یک متن آزمایشی است که برای بررسی تاریخ خبر نوشته شده است.</p>" * 5
        + "</article></body></html>"
    )
    extracted = extract_article(page)
    assert extracted.date_text == "۲۲ خرداد ١۴۰۳"
    assert extracted.published_on == dt.date(2024, 6, 11)


def test_declared_language_contradicted_by_the_script_is_not_trusted():
    paragraph = "<p>این مقام مسئول می‌گوید کاهش بارندگی دو عامل اصلی افت ذخایر بوده است.</p>"
    extracted = extract_article(
        f"<html lang='en'><body><article>{paragraph * 5}</article></body></html>"
    )
    assert (extracted.language, extracted.direction) == ("fa", "rtl")


def test_language_is_guessed_from_the_text_when_not_declared():
    paragraph = "<p>این مقام مسئول می‌گوید کاهش بارندگی دو عامل اصلی افت ذخایر بوده است.</p>"
    extracted = extract_article(f"<html><body><article>{paragraph * 5}</article></body></html>")
    assert (extracted.language, extracted.direction) == ("fa", "rtl")


def test_canonical_url_must_be_web_and_relative_links_are_resolved():
    body = "<article>" + "<p>A sentence long enough to count as article text here.</p>" * 5
    hostile = extract_article(
        '<html><head><link rel="canonical" href="javascript:alert(1)">'
        f'<meta property="og:url" content="data:text/html,x"></head><body>{body}</article>'
        "</body></html>"
    )
    assert hostile.canonical_url == ""
    relative = extract_article(
        f'<html><head><link rel="canonical" href="/story/7"></head><body>{body}</article>'
        "</body></html>",
        url="https://news.example/section/page?id=7",
    )
    assert relative.canonical_url == "https://news.example/story/7"


# --- Trim proposals for pasted text -------------------------------------------------------


def assert_kept_text_is_made_of_original_lines(text, proposal):
    original = text.split("\n")
    kept = proposal.kept_text().split("\n") if proposal.kept_text() else []
    position = 0
    for line in kept:  # kept lines appear verbatim, in order
        position = original.index(line, position) + 1
    assert kept == [line.text for line in proposal.lines if line.keep]
    assert [line.text for line in proposal.lines] == original
    if kept:
        assert kept[0].strip() and kept[-1].strip()  # no leading or trailing blank lines


def test_trim_proposal_for_a_page_copy_with_site_chrome():
    text = seed_text("003_f397ca5df7d6e309.txt")
    proposal = propose_trim(text)
    by_number = {line.number: line for line in proposal.lines}
    content = [line for line in proposal.lines if not line.blank]

    breadcrumb = content[0]
    assert breadcrumb.text.count(" / ") >= 2
    assert not breadcrumb.keep

    for fragment in (
        "سرویس خبری ایران من",
        "١۸ ژوئن ۲۰۲۴ (٢۹ خرداد ۱۴۰۳)",  # the dated paragraph: names and numbers
        "در مجموع، تقویت روابط روسیه و کره شمالی",
    ):
        lines = [line for line in content if fragment in line.text]
        assert lines and all(line.keep for line in lines), fragment

    # Everything after the last body paragraph: the "other news" list and the
    # newsletter sign-up.
    last_body = next(line for line in content if "در مجموع، تقویت روابط" in line.text)
    tail = [line for line in content if line.number > last_body.number]
    assert len(tail) >= 10
    assert not any(line.keep for line in tail)
    assert proposal.dropped_count == 1 + len(tail)

    # The kept region is one stretch of the paste, NBSP spacer lines included.
    kept = proposal.kept_text()
    assert kept in text
    assert f"\n\n{NBSP}\n\n" in kept
    assert_kept_text_is_made_of_original_lines(text, proposal)
    assert by_number[1] is breadcrumb


def test_trim_proposal_keeps_long_paragraphs_of_an_analysis():
    text = seed_text("000_b28f88bb043880d0.txt")
    proposal = propose_trim(text)
    long_lines = [line for line in proposal.lines if len(line.text) > 150]
    assert long_lines and all(line.keep for line in long_lines)
    assert_kept_text_is_made_of_original_lines(text, proposal)


CLEAN_FA = (
    "شورای شهر بودجه کتابخانه‌ها را افزایش داد\n"
    "\n"
    "اعضای شورای شهر روز دوشنبه با افزایش ۸ درصدی بودجه کتابخانه‌های عمومی در سال آینده "
    "موافقت کردند؛ تصمیمی که پس از دو سال کاهش بودجه گرفته شد و به گفته مسئولان، ساعت کار "
    "چند شعبه را دوباره به حالت عادی بازمی‌گرداند.\n"
    "\n"
    "به گفته اعضای شورا، این اعتبار برای افزایش ساعت کار در روزهای تعطیل در چهار کتابخانه "
    "بزرگ شهر و راه‌اندازی یک کتابخانه سیار هزینه می‌شود که دو بار در ماه به روستاهای "
    "اطراف سر می‌زند.\n"
    "\u00a0\n"
    "مراجعه‌کنندگان کتابخانه‌ها بیش از ۶\u00a0هزار امضا در حمایت از این افزایش جمع کرده "
    "بودند. مدیر کتابخانه‌های شهر در جلسه گفت که شمار مراجعان از زمان همه‌گیری یک‌چهارم "
    "بیشتر شده است، در حالی که تعداد کارکنان کاهش یافته است.\n"
    "\n"
    "این بودجه هنوز باید در جلسه عمومی شورا در بهمن‌ماه تأیید شود."
)
CLEAN_EN = (
    "City council approves new library budget\n"
    "\n"
    "The city council voted on Monday to increase the library budget by 8 per cent next "
    "year, reversing two years of cuts that had forced several branches to shorten their "
    "opening hours.\n"
    "\n"
    "Councillors said the extra money would pay for longer weekend hours at the four "
    "largest branches and for a mobile library that will visit villages twice a month.\n"
    "\n"
    "Library users had collected more than 6,000 signatures in support of the increase. "
    "The head of the library service said visits had risen by a quarter since 2020.\n"
    "\n"
    "The budget is confirmed in February."
)


@pytest.mark.parametrize("text", [CLEAN_FA, CLEAN_EN], ids=["fa", "en"])
def test_trim_proposal_keeps_all_of_a_clean_text(text):
    proposal = propose_trim(text)
    assert proposal.dropped_count == 0
    assert proposal.kept_text() == text
    assert all(line.keep for line in proposal.lines)


def test_trim_proposal_drops_chrome_around_an_english_paste():
    chrome_top = ["Home", "", "World", "", "Business", "", "Sport", ""]
    chrome_end = [
        "",
        "More stories",
        "",
        "Lifeboat crew rescues kayakers off Gull Point",
        "",
        "New cycle lane on Mill Road opens a month late",
        "",
        "Subscribe to our newsletter",
        "",
    ]
    text = "\n".join(chrome_top) + "\n" + CLEAN_EN + "\n" + "\n".join(chrome_end)
    for language in ("en", ""):  # English stop list, or all lists when not told
        proposal = propose_trim(text, language=language)
        keep = {line.text: line.keep for line in proposal.lines if not line.blank}
        assert not any(keep[line] for line in chrome_top + chrome_end if line)
        body = [line for line in CLEAN_EN.split("\n") if line][:-1]
        assert all(keep[line] for line in body)
        # Not asserted: the short last sentence ("The budget is confirmed in February.")
        # is followed by chrome here, and nothing in plain text tells the two apart.


def test_trim_proposal_blank_lines_and_line_endings():
    assert propose_trim("").lines == [] and propose_trim("").kept_text() == ""
    text = "\n\n" + CLEAN_EN.replace("\n", "\r\n") + "\r\n\r\n"
    proposal = propose_trim(text)
    assert proposal.kept_text() == CLEAN_EN
    blanks = [line for line in proposal.lines if line.blank]
    assert not blanks[0].keep and not blanks[-1].keep
    assert all(line.keep for line in proposal.lines if not line.blank)
