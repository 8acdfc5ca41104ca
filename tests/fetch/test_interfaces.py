"""Fetching by URL and captures through the API, the browser and the commands."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from app.articles.models import Article
from app.claims.evidence import evidence_add_with_source
from app.claims.services import claim_create
from app.core.blobs import blob_read
from app.sources import captures
from app.sources.models import Capture, LinkStatus, Source
from app.sources.services import source_add
from tests.api.conftest import assert_error, issue_token, token_client
from tests.exports.conftest import publish
from tests.fetch.conftest import article_html

pytestmark = pytest.mark.django_db
HOSTILE = (Path(__file__).parent.parent / "articles" / "pages" / "hostile.html").read_bytes()


@pytest.fixture(autouse=True)
def _no_rendering(settings):
    settings.SANAD_CAPTURE_RENDER = False


@pytest.fixture
def api(team):
    return token_client(issue_token(team.reviewer, team.workspace))


def api_url(team, path):
    return f"/api/v1/workspaces/{team.workspace.slug}/{path}"


def test_api_fetches_an_article_by_url(team, api, page_server):
    url = page_server.page("/n", article_html("Budget", ["The budget grew by a third."] * 4))
    response = api.post(api_url(team, "articles/fetch/"), {"url": url}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["snapshot"]["origin"] == "url"
    assert body["capture"]["sha256"]["warc"] == Capture.objects.get().warc_sha256
    again = api.post(api_url(team, "articles/fetch/"), {"url": url}, format="json")
    assert again.status_code == 200
    assert again.json()["created_snapshot"] is False


def test_api_refusal_is_a_field_error_on_url(team, api, connections):
    response = api.post(
        api_url(team, "articles/fetch/"), {"url": "http://[::1]:8000/admin/"}, format="json"
    )
    error = assert_error(response, 400, fields=["url"])
    assert "loopback" in error["fields"]["url"][0]
    assert connections == []


def test_api_check_again_and_source_captures(team, api, page_server):
    url = page_server.page("/n", article_html("Budget", ["The budget grew by a third."] * 4))
    article_id = api.post(api_url(team, "articles/fetch/"), {"url": url}, format="json").json()[
        "article"
    ]["id"]
    checked = api.post(api_url(team, f"articles/{article_id}/check-again/"))
    assert checked.status_code == 200
    assert checked.json()["created_snapshot"] is False

    source, _ = source_add(workspace=team.workspace, url=url, actor=team.reviewer)
    made = api.post(api_url(team, f"sources/{source.pk}/captures/"))
    assert made.status_code == 201
    listed = api.get(api_url(team, f"sources/{source.pk}/captures/")).json()["results"]
    assert [c["id"] for c in listed] == [made.json()["id"]]
    detail = api.get(api_url(team, f"captures/{made.json()['id']}/")).json()
    assert "The budget grew by a third." in detail["text"]


def test_viewer_token_cannot_fetch(team, page_server):
    viewer = token_client(issue_token(team.viewer, team.workspace))
    url = page_server.page("/n", article_html("B", ["Text."] * 3))
    response = viewer.post(api_url(team, "articles/fetch/"), {"url": url}, format="json")
    assert response.status_code == 403
    assert page_server.requests == []


def test_browser_import_by_url_and_refusal_message(client, team, page_server):
    client.force_login(team.reviewer)
    page = reverse("article-import-url", kwargs={"slug": team.workspace.slug})
    refused = client.post(page, {"url": "http://10.0.0.1/"})
    assert refused.status_code == 400
    assert "private network address" in refused.content.decode()
    url = page_server.page("/n", article_html("Budget", ["The budget grew by a third."] * 4))
    response = client.post(page, {"url": url}, follow=True)
    article = Article.objects.get(url=url)
    assert response.redirect_chain[-1][0].endswith(f"/articles/{article.pk}/")
    html = response.content.decode()
    assert "Check this article again" in html
    assert "Captures" in html


def test_capture_page_shows_the_archived_text_sanitized_never_raw(client, team, page_server):
    url = page_server.page("/hostile", HOSTILE)
    source, _ = source_add(workspace=team.workspace, url=url, actor=team.reviewer)
    capture = captures.source_capture(workspace=team.workspace, source=source, actor=team.reviewer)
    client.force_login(team.viewer)
    page = client.get(
        reverse("capture-detail", kwargs={"slug": team.workspace.slug, "pk": capture.pk})
    ).content.decode()
    assert "flood barrier" in page
    for marker in ("alert(", "onerror", "onload", "javascript:", "STYLE-CONTENT-LEAK"):
        assert marker not in page, marker
    assert capture.warc_sha256 in page


def test_capture_files_download_as_attachments_with_their_hash(client, team, page_server):
    url = page_server.page("/hostile", HOSTILE)
    source, _ = source_add(workspace=team.workspace, url=url, actor=team.reviewer)
    capture = captures.source_capture(workspace=team.workspace, source=source, actor=team.reviewer)
    client.force_login(team.viewer)
    kwargs = {"slug": team.workspace.slug, "pk": capture.pk, "part": "warc"}
    response = client.get(reverse("capture-part", kwargs=kwargs))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Sanad-SHA256"] == capture.warc_sha256
    assert response.content == blob_read(Capture.objects.get(pk=capture.pk).warc_path)
    kwargs["part"] = "screenshot"  # rendering was off: nothing to show
    assert client.get(reverse("capture-part", kwargs=kwargs)).status_code == 404


def test_browser_source_capture_and_upload(client, team, page_server):
    url = page_server.page("/s", article_html("Stats", ["Unemployment was 9%."] * 4))
    source, _ = source_add(workspace=team.workspace, url=url, actor=team.reviewer)
    client.force_login(team.reviewer)
    kwargs = {"slug": team.workspace.slug, "pk": source.pk}
    client.post(reverse("source-capture", kwargs=kwargs))
    upload = StringIO("not a capture")
    upload.name = "x.txt"
    refused = client.post(
        reverse("source-capture-upload", kwargs=kwargs), {"file": upload}, follow=True
    )
    assert "Upload a WARC file" in refused.content.decode()
    page = client.get(reverse("source-detail", kwargs=kwargs)).content.decode()
    assert Capture.objects.get(source=source).warc_sha256[:14] in page


def test_claim_page_and_report_show_gone_links(client, team, claim, page_server):
    url = page_server.page("/cited", article_html("Cited", ["A cited page."] * 4))
    evidence = evidence_add_with_source(
        claim=claim, url=url, stance="supports", actor=team.reviewer
    )
    captures.source_capture(workspace=team.workspace, source=evidence.source, actor=team.reviewer)
    del page_server.routes["/cited"]
    out = StringIO()
    call_command("check_links", "--no-progress", stdout=out)
    assert "0 live, 0 changed, 1 gone." in out.getvalue()
    evidence.source.refresh_from_db()
    assert evidence.source.link_status == LinkStatus.GONE
    client.force_login(team.viewer)
    claim_page = client.get(
        reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
    ).content.decode()
    assert "Link gone" in claim_page
    capture = evidence.source.captures.get()
    assert reverse("capture-detail", kwargs={"slug": team.workspace.slug, "pk": capture.pk}) in (
        claim_page
    )
    assert capture.warc_sha256[:10] in claim_page
    report = client.get(
        reverse("source-link-report", kwargs={"slug": team.workspace.slug})
    ).content.decode()
    assert url in report or "Cited" in report
    assert "404" in report


def test_import_articles_reads_a_url_list(tmp_path, team, page_server):
    good = page_server.page("/a", article_html("A", ["The first fetched article."] * 4))
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# articles to import\n{good}\n\nhttp://169.254.169.254/latest/\n")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command(
            "import_articles",
            "--workspace",
            team.workspace.slug,
            "--url-list",
            str(listing),
            "--no-progress",
            stdout=out,
            stderr=err,
        )
    assert "1 imported" in out.getvalue()
    assert "169.254.169.254" in err.getvalue() and "link-local" in err.getvalue()
    assert Article.objects.get(url=good).snapshots.get().origin == "url"


def test_import_articles_needs_paths_or_a_url_list(team):
    with pytest.raises(CommandError, match="--url-list"):
        call_command("import_articles", "--workspace", team.workspace.slug)


def test_json_lines_export_carries_each_sources_captures_and_hashes(
    client, team, claim, page_server
):
    url = page_server.page("/cited", article_html("Cited", ["A cited page."] * 4))
    evidence = evidence_add_with_source(
        claim=claim, url=url, stance="supports", actor=team.reviewer
    )
    capture = captures.source_capture(
        workspace=team.workspace, source=evidence.source, actor=team.reviewer
    )
    client.force_login(team.viewer)
    response = client.get("/api/v1/exports/jsonl/", {"workspace": team.workspace.slug})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    record = json.loads(lines[0])
    exported = record["evidence"][0]["source"]["captures"]
    assert [c["sha256"]["warc"] for c in exported] == [capture.warc_sha256]
    assert exported[0]["url"].endswith(f"/sources/captures/{capture.pk}/")
    assert exported[0]["status_code"] == 200


def test_claimreview_cites_the_sources_with_their_capture(client, team, page_server):
    url = page_server.page("/proof", article_html("Proof", ["The figure was 4%."] * 4))
    snapshot = captures.article_import_url(
        workspace=team.workspace,
        url=page_server.page("/art", article_html("Claim", ["Ridership rose 12%."] * 4)),
        actor=team.reviewer,
    ).result.snapshot
    start = snapshot.text.index("Ridership")
    claim = claim_create(
        workspace=team.workspace,
        snapshot=snapshot,
        start=start,
        end=start + 9,
        exact="Ridership",
        actor=team.reviewer,
    )
    evidence = evidence_add_with_source(claim=claim, url=url, stance="refutes", actor=team.reviewer)
    capture = captures.source_capture(
        workspace=team.workspace, source=evidence.source, actor=team.reviewer
    )
    publish(claim, team)
    client.force_login(team.viewer)
    response = client.get("/api/v1/exports/claimreview/", {"workspace": team.workspace.slug})
    (review,) = json.loads(b"".join(response.streaming_content))
    assert review["citation"] == [
        {
            "@type": "CreativeWork",
            "url": url,
            "archivedAt": f"http://testserver/w/{team.workspace.slug}/sources/captures/{capture.pk}/",
        }
    ]


def test_the_daily_task_marks_gone_and_changed_sources_once_a_day(team, claim, page_server):
    from app.jobs import tasks

    cited = {}
    for path, text in (("/stays", "Stays the same."), ("/goes", "Goes away."), ("/edits", "V1.")):
        url = page_server.page(path, article_html(path, [text] * 4))
        evidence = evidence_add_with_source(
            claim=claim, url=url, stance="supports", actor=team.reviewer
        )
        captures.source_capture(
            workspace=team.workspace, source=evidence.source, actor=team.reviewer
        )
        cited[path] = evidence.source
    del page_server.routes["/goes"]
    page_server.page("/edits", article_html("/edits", ["V2, silently rewritten."] * 4))

    assert tasks.check_links(timestamp=0) == {"ok": 1, "changed": 1, "gone": 1}
    statuses = {path: Source.objects.get(pk=s.pk).link_status for path, s in cited.items()}
    assert statuses == {
        "/stays": LinkStatus.OK,
        "/goes": LinkStatus.GONE,
        "/edits": LinkStatus.CHANGED,
    }
    requests = len(page_server.requests)
    # Run again the same day (a retry, a second worker): nothing is fetched again.
    assert tasks.check_links(timestamp=0) == {"ok": 0, "changed": 0, "gone": 0}
    assert len(page_server.requests) == requests
