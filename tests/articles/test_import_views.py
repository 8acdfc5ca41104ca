"""The import page: three ways in, a trim step that is shown before it is applied."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from app.articles.models import Article, Snapshot

pytestmark = pytest.mark.django_db
PAGES = Path(__file__).parent / "pages"
PASTE = (
    "صفحه اصلی / اخبار / سیاست / وزیر: قرارداد امضا شد\n"
    "\u00a0\n"
    "وزیر: قرارداد امضا شد\n"
    "\u00a0\n" + "وزیر امور خارجه روز سه‌شنبه گفت که قرارداد همکاری دو کشور پس از ماه‌ها گفتوگو در "
    "۱۸ ژوئن ۲۰۲۴ امضا شد و این سند زمینه همکاری‌های اقتصادی و فرهنگی را فراهم می‌کند. " * 3 + "\n\n"
    "اخبار دیگر\n"
    "قیمت طلا امروز\n"
    "نتایج مسابقات فوتبال\n"
    "عضویت در خبرنامه\n"
    "برای دریافت اخبار ایمیل خود را وارد کنید\n"
)


def _url(team, mode="text"):
    return reverse("article-import", kwargs={"slug": team.workspace.slug}) + f"?mode={mode}"


def test_pasted_text_imports_as_is_with_a_persian_date(client, team):
    client.force_login(team.reviewer)
    response = client.post(
        _url(team),
        {"text": PASTE, "title": "قرارداد", "published": "٢۹ خرداد ۱۴۰۳", "action": "import"},
        follow=True,
    )
    article = Article.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "article-detail", kwargs={"slug": team.workspace.slug, "pk": article.pk}
    )
    assert article.snapshots.get().text == PASTE
    assert str(article.published_on) == "2024-06-18"
    page = response.content.decode()
    assert "Article imported." in page
    assert "۱۸ ژوئن ۲۰۲۴ (۲۹ خرداد ۱۴۰۳)" in page  # both calendars for a Persian article


def test_the_forms_crlf_line_breaks_are_stored_as_the_pasted_lf(client, team):
    """Browsers submit a textarea's LF line breaks as CRLF; the snapshot keeps the LF."""
    client.force_login(team.reviewer)
    client.post(_url(team), {"text": PASTE.replace("\n", "\r\n"), "action": "import"})
    assert Snapshot.objects.get().text == PASTE


def test_trim_is_shown_first_and_applied_only_when_chosen(client, team):
    client.force_login(team.reviewer)
    preview = client.post(_url(team), {"text": PASTE, "action": "preview_trim"})
    assert preview.status_code == 200
    assert not Article.objects.exists()  # a preview writes nothing
    page = preview.content.decode()
    assert "<del>اخبار دیگر</del>" in page
    assert "Import trimmed text" in page and "Import as pasted" in page

    client.post(_url(team), {"text": PASTE, "action": "import_trimmed"})
    snapshot = Snapshot.objects.get()
    assert "اخبار دیگر" not in snapshot.text
    assert "۱۸ ژوئن ۲۰۲۴" in snapshot.text
    assert snapshot.metadata["trimmed"] is True


def test_uploaded_html_file_imports(client, team):
    client.force_login(team.reviewer)
    upload = SimpleUploadedFile(
        "page.html", (PAGES / "en_news.html").read_bytes(), content_type="text/html"
    )
    client.post(_url(team, "html"), {"html_file": upload, "action": "import"})
    article = Article.objects.get()
    assert article.snapshots.get().origin == "html"
    assert article.direction == "ltr"


def test_url_and_saved_page_mode_requires_the_url(client, team):
    client.force_login(team.reviewer)
    html = (PAGES / "en_news.html").read_text(encoding="utf-8")
    response = client.post(_url(team, "url_html"), {"html": html, "action": "import"})
    assert response.status_code == 200 and not Article.objects.exists()
    assert b"This field is required" in response.content
    client.post(
        _url(team, "url_html"), {"html": html, "url": "https://example.org/a", "action": "import"}
    )
    assert Article.objects.get().snapshots.get().origin == "url_html"


@pytest.mark.parametrize(
    ("mode", "data", "message"),
    [
        ("text", {"text": "  \u00a0 "}, "The article text is empty"),
        ("text", {"text": "Some text", "published": "next Tuesday"}, "not a date Sanad can read"),
        ("text", {"text": "Some text", "url": "javascript:alert(1)"}, "http:// or https://"),
        ("html", {}, "Choose an HTML file or paste"),
        ("html", {"html": "<script>alert(1)</script>"}, "No article text could be found"),
    ],
)
def test_bad_input_shows_a_message_and_writes_nothing(client, team, mode, data, message):
    client.force_login(team.reviewer)
    response = client.post(_url(team, mode), {**data, "action": "import"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_viewers_cannot_open_the_import_page(client, team):
    client.force_login(team.viewer)
    assert client.get(_url(team)).status_code == 403
    assert client.post(_url(team), {"text": "x", "action": "import"}).status_code == 403
    assert not Article.objects.exists()
