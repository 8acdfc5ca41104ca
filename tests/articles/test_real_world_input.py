"""Issue 16: pages, dates and imports that real-world input broke.

Every page here is written for these tests, with the traits of the pages that failed.
"""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from app.articles import extraction
from app.articles.extraction import decode_html, extract_article
from app.articles.models import Article
from app.articles.services import article_import_html, article_import_text

BODY = "".join(
    f"<p>Paragraph {i}: the council voted on the new harbour budget after a long debate "
    "about costs and timing in the city.</p>"
    for i in range(6)
)
FA_BODY = "".join(
    f"<p>بند {i}: شورای شهر پس از بحثی طولانی درباره هزینه‌ها و زمان‌بندی، بودجه تازه "
    "بندر را تصویب کرد و گفت کار ساخت از تابستان آغاز می‌شود.</p>"
    for i in range(6)
)


def page(head: str = "", body: str = BODY, lang: str = "") -> str:
    lang_attribute = f' lang="{lang}"' if lang else ""
    return f"<html{lang_attribute}><head>{head}</head><body><article>{body}</article></body></html>"


# --- metadata entities -------------------------------------------------------------


def test_entities_in_json_ld_metadata_are_decoded_once():
    ld = (
        '<script type="application/ld+json">{"@context":"https://schema.org",'
        '"@type":"NewsArticle","headline":"Mayor O&#039;Donnell &amp; the harbour",'
        '"author":{"@type":"Person","name":"Siobh&aacute;n O&#039;Donnell"}}</script>'
    )
    extracted = extract_article(page(ld, "<h1>Mayor O&#039;Donnell &amp; the harbour</h1>" + BODY))
    assert extracted.author == "Siobhán O'Donnell"
    assert extracted.title == "Mayor O'Donnell & the harbour"


# --- decoding ------------------------------------------------------------------------


def test_a_utf8_page_with_stray_bytes_is_read_with_a_warning():
    data = page("<meta charset='utf-8'><title>Bandar</title>", FA_BODY).encode("utf-8")
    position = data.index("شورای".encode()) + 2
    data = data[:position] + b"\xff" + data[position:] + b"\xfe"
    decoded = extraction.decode_page(data)
    assert "بندر" in decoded.text
    assert decoded.encoding == "utf-8"
    assert decoded.warnings and "2 bytes" in decoded.warnings[0]
    assert f"byte {position}" in decoded.warnings[0]
    assert isinstance(decode_html(data), str)


def test_a_charset_declared_after_byte_4096_is_honoured():
    filler = "<meta name='description' content='" + "x" * 5000 + "'>"
    head = filler + '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
    # Windows-1256 has no Persian yeh and kaf: pages in it use the Arabic letters.
    body = FA_BODY.replace("\u200c", " ").replace("ی", "ي").replace("ک", "ك")
    data = page(head + "<title>بندر</title>", body).encode("cp1256")
    assert data.index(b"windows-1256") > 4096
    assert "شوراي شهر" in decode_html(data)


def test_a_utf8_page_with_nul_bytes_is_read_and_the_nuls_dropped_with_a_warning(team):
    data = page("<title>Harbour</title>", BODY).encode("utf-8").replace(b"council", b"coun\x00cil")
    decoded = extraction.decode_page(data)
    assert "\x00" not in decoded.text and "council" in decoded.text
    assert any("NUL" in warning for warning in decoded.warnings)

    result = article_import_html(workspace=team.workspace, html=data, actor=team.reviewer)
    assert "council" in result.snapshot.text
    assert result.snapshot.metadata["warnings"]


def test_a_genuinely_binary_file_is_still_refused():
    with pytest.raises(ValidationError):
        extraction.decode_page(bytes(range(256)) * 40)


# --- dates ---------------------------------------------------------------------------


def test_extensive_date_search_finds_a_date_only_the_text_states():
    body = "<h1>Harbour budget</h1><p>Updated: May 14, 2024, 10:02</p>" + BODY
    extracted = extract_article(page("<title>Harbour budget</title>", body))
    assert extracted.published_on == dt.date(2024, 5, 14)


def test_a_plain_text_import_offers_the_datelines_it_finds_with_where(team):
    text = "Harbour desk\n05.09.2025 — Tehran\nThe council met on ۲۹ خرداد ۱۴۰۳ and voted.\n"
    result = article_import_text(workspace=team.workspace, text=text, actor=team.reviewer)
    found = result.snapshot.metadata["date_candidates"]
    first, second = found
    assert first["text"] == "05.09.2025" and first["where"] == "text"
    assert first["start"] == text.index("05.09.2025")
    assert first["ambiguous"] is True
    assert first["readings"] == ["2025-09-05", "2025-05-09"]
    assert second["date"] == "2024-06-18" and second["ambiguous"] is False
    # Offered, not applied: the reviewer confirms.
    assert result.article.published_on is None


# --- language and title --------------------------------------------------------------


def test_a_latin_page_without_lang_gets_a_detected_language_with_its_confidence():
    body = "".join(
        f"<p>Le conseil municipal a voté mardi le nouveau budget du port après un long débat "
        f"sur les coûts et le calendrier des travaux {i}.</p>"
        for i in range(6)
    )
    extracted = extract_article(page("<title>Budget du port</title>", body))
    assert extracted.language == "fr"
    assert extracted.direction == "ltr"
    assert extracted.metadata["language_detected"]["language"] == "fr"
    assert extracted.metadata["language_detected"]["confidence"] > 0.9


def test_a_page_without_a_title_does_not_take_a_junk_first_line(team):
    body = "<p>12:04</p>" + BODY
    result = article_import_html(
        workspace=team.workspace, html=page("", body).encode(), actor=team.reviewer
    )
    assert result.article.title != "12:04"
    assert result.article.title.startswith("Paragraph 0: the council voted")


# --- one-line fields -----------------------------------------------------------------


@pytest.mark.parametrize("bad", ["Harbour\u0001budget", "Harbour\uffffbudget", "Two\nlines"])
def test_one_line_fields_refuse_control_characters_and_noncharacters(team, bad):
    with pytest.raises(ValidationError) as excinfo:
        article_import_text(
            workspace=team.workspace, text="The council met.", title=bad, actor=team.reviewer
        )
    assert "title" in excinfo.value.message_dict


def test_control_characters_in_a_pages_own_metadata_are_stripped():
    extracted = extract_article(page("<title>Harbour\u0001 budget</title>", BODY))
    assert extracted.title == "Harbour budget"


# --- idempotent bulk import ----------------------------------------------------------


def test_rerunning_import_articles_changes_nothing_for_files_without_urls(tmp_path, team):
    (tmp_path / "a.txt").write_text("The council voted on the harbour.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("The mayor resigned on Tuesday.", encoding="utf-8")
    (tmp_path / "c.html").write_text(page("<title>Harbour</title>"), encoding="utf-8")

    def run():
        out = StringIO()
        call_command(
            "import_articles",
            str(tmp_path),
            "--workspace",
            team.workspace.slug,
            "--no-progress",
            stdout=out,
            stderr=StringIO(),
        )
        return out.getvalue()

    assert "3 imported" in run()
    assert "0 imported, 0 with a new snapshot, 3 unchanged, 0 failed" in run()
    assert Article.objects.filter(workspace=team.workspace).count() == 3


def test_a_manifest_date_that_is_ambiguous_fails_with_both_readings(tmp_path, team):
    (tmp_path / "a.txt").write_text("The council voted.", encoding="utf-8")
    (tmp_path / "manifest.jsonl").write_text(
        json.dumps({"file": "a.txt", "published": "03.04.2025"}) + "\n", encoding="utf-8"
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_articles",
            str(tmp_path),
            "--workspace",
            team.workspace.slug,
            "--no-progress",
            stdout=StringIO(),
            stderr=err,
        )
    assert "3 April 2025" in err.getvalue() and "4 March 2025" in err.getvalue()


# --- where the reviewer sees it --------------------------------------------------------


def test_the_article_page_offers_the_dates_found_with_both_readings_of_an_ambiguous_one(
    team, client
):
    text = "Harbour desk\n05.09.2025 — Tehran\nThe council met on ۲۹ خرداد ۱۴۰۳ and voted.\n"
    result = article_import_text(workspace=team.workspace, text=text, actor=team.reviewer)
    client.force_login(team.viewer)
    page = client.get(f"/w/{team.workspace.slug}/articles/{result.article.pk}/").content.decode()
    assert "Dates found on import" in page
    assert "5 September 2025 or 9 May 2025" in page
    assert "18 June 2024" in page


def test_the_reviewer_confirms_one_reading_of_an_offered_date(team, client):
    import datetime as dt

    from app.audit.models import AuditEvent

    text = "Harbour desk\n05.09.2025 — Tehran\nThe council met and voted.\n"
    article = article_import_text(workspace=team.workspace, text=text, actor=team.reviewer).article
    assert article.published_on is None  # offered, never applied by itself
    client.force_login(team.reviewer)
    page = client.get(f"/w/{team.workspace.slug}/articles/{article.pk}/").content.decode()
    assert 'value="2025-09-05"' in page and 'value="2025-05-09"' in page
    url = f"/w/{team.workspace.slug}/articles/{article.pk}/date/"
    client.post(url, {"version": article.version, "published_on": "2025-05-09"})
    article.refresh_from_db()
    assert article.published_on == dt.date(2025, 5, 9)
    event = AuditEvent.objects.filter(action="article.updated").latest("seq")
    assert event.after["published_on"] == "2025-05-09" and event.actor["id"] == team.reviewer.pk
    client.force_login(team.viewer)
    viewer_page = client.get(f"/w/{team.workspace.slug}/articles/{article.pk}/").content.decode()
    assert 'name="published_on"' not in viewer_page


def test_the_import_page_reports_what_decoding_repaired(team, client):
    data = page("<title>Harbour</title>", BODY).encode("utf-8").replace(b"council", b"coun\x00cil")
    client.force_login(team.reviewer)
    response = client.post(
        f"/w/{team.workspace.slug}/articles/import/?mode=html",
        {"html": "", "html_file": _upload(data)},
        follow=True,
    )
    assert "Repaired on import: 6 NUL bytes dropped" in response.content.decode()


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("page.html", data, content_type="text/html")


def test_the_seed_articles_dateline_is_offered(team):
    from tests.articles.test_extraction import seed_text

    text = seed_text("000_b28f88bb043880d0.txt")
    result = article_import_text(workspace=team.workspace, text=text, actor=team.reviewer)
    offered = result.snapshot.metadata["date_candidates"]
    dateline = next(found for found in offered if found["text"] == "05.09.2025")
    assert text[dateline["start"] : dateline["end"]] == "05.09.2025"
    assert dateline["ambiguous"] and dateline["readings"] == ["2025-09-05", "2025-05-09"]


def test_a_source_title_refuses_control_characters_too(team):
    from app.sources.services import source_add

    with pytest.raises(ValidationError) as excinfo:
        source_add(
            workspace=team.workspace,
            url="https://example.org/report",
            title="Annual\u0007report",
            actor=team.reviewer,
        )
    assert "title" in excinfo.value.message_dict
