"""Captures of sources a published fact-check cites get a public page; no other capture does."""

import hashlib
import json
import re

import pytest
from django.urls import reverse

from app.claims.evidence import evidence_add_with_source
from app.claims.services import claim_create
from app.public.services import public_site_update
from app.sources import captures
from tests.exports.conftest import publish
from tests.fetch.conftest import article_html

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"screenshot-bytes"
HOSTILE = article_html(
    "Proof",
    ["The figure was 4% <b>bold</b> in the report.", "<script>alert('x')</script>Real text."] * 3,
)


@pytest.fixture(autouse=True)
def _no_rendering(settings):
    settings.SANAD_CAPTURE_RENDER = False


def _claim(team, page_server, path="/art"):
    snapshot = captures.article_import_url(
        workspace=team.workspace,
        url=page_server.page(path, article_html("Claim", ["Ridership rose 12%."] * 4)),
        actor=team.reviewer,
    ).result.snapshot
    start = snapshot.text.index("Ridership")
    return claim_create(
        workspace=team.workspace,
        snapshot=snapshot,
        start=start,
        end=start + 9,
        exact="Ridership",
        actor=team.reviewer,
    )


@pytest.fixture
def cited(team, page_server):
    """A published claim citing a source with a fetched capture and an uploaded image."""
    public_site_update(workspace=team.workspace, enabled=True, actor=team.admin)
    claim = _claim(team, page_server)
    url = page_server.page("/proof", HOSTILE)
    evidence = evidence_add_with_source(claim=claim, url=url, stance="refutes", actor=team.reviewer)
    fetched = captures.source_capture(
        workspace=team.workspace, source=evidence.source, actor=team.reviewer
    )
    image = captures.capture_upload(
        workspace=team.workspace,
        data=PNG,
        file_name="shot.png",
        source=evidence.source,
        actor=team.reviewer,
    )
    return publish(claim, team), fetched, image


def _page(team, capture):
    return reverse("public-capture", kwargs={"slug": team.workspace.slug, "pk": capture.pk})


def test_public_capture_page_shows_time_status_hashes_and_text_never_html(client, team, cited):
    _claim, fetched, _image = cited
    response = client.get(_page(team, fetched))
    assert response.status_code == 200
    html = response.content.decode()
    assert fetched.warc_sha256 in html and fetched.text_sha256 in html
    assert fetched.captured_at.strftime("%Y-%m-%d %H:%M") in html
    assert "The figure was 4%" in html and "Real text." in html
    # Only the extracted text, escaped: no tag of the page survives, no script runs.
    assert "<b>" not in html and "<script" not in html and "alert(" not in html
    assert "Set-Cookie" not in response.headers and response["Cache-Control"].startswith("public")


def test_public_image_is_served_with_its_hash(client, team, cited):
    _claim, fetched, image = cited
    url = reverse("public-capture-image", kwargs={"slug": team.workspace.slug, "pk": image.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == PNG
    assert response["X-Sanad-SHA256"] == hashlib.sha256(PNG).hexdigest()
    assert response["Content-Type"] == "image/png"
    assert url in client.get(_page(team, image)).content.decode()
    # The fetched capture has no screenshot (rendering off): no image to serve.
    no_image = reverse(
        "public-capture-image", kwargs={"slug": team.workspace.slug, "pk": fetched.pk}
    )
    assert client.get(no_image).status_code == 404


def test_claim_page_and_claimreview_point_at_the_public_capture(client, team, cited):
    claim, _fetched, image = cited  # the upload is the newest capture
    response = client.get(
        reverse("public-claim-short", kwargs={"slug": team.workspace.slug, "pk": claim.pk}),
        follow=True,
    )
    html = response.content.decode()
    public_url = f"http://testserver/p/{team.workspace.slug}/captures/{image.pk}/"
    assert f'href="/p/{team.workspace.slug}/captures/{image.pk}/"' in html or public_url in html
    (ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(ld)["citation"][0]["archivedAt"] == public_url

    client.force_login(team.viewer)
    exported = client.get("/api/v1/exports/claimreview/", {"workspace": team.workspace.slug})
    (review,) = json.loads(b"".join(exported.streaming_content))
    assert review["citation"][0]["archivedAt"] == public_url


def test_captures_not_cited_by_a_published_claim_are_404(client, team, other_team, page_server):
    public_site_update(workspace=team.workspace, enabled=True, actor=team.admin)
    draft = _claim(team, page_server)
    evidence = evidence_add_with_source(
        claim=draft, url=page_server.page("/draft", HOSTILE), stance="refutes", actor=team.reviewer
    )
    unpublished = captures.source_capture(
        workspace=team.workspace, source=evidence.source, actor=team.reviewer
    )
    article_capture = captures.article_import_url(
        workspace=team.workspace,
        url=page_server.page("/other", article_html("Other", ["Another article."] * 4)),
        actor=team.reviewer,
    ).capture
    assert client.get(_page(team, unpublished)).status_code == 404
    assert client.get(_page(team, article_capture)).status_code == 404

    # Published: reachable under its own site only, never under another workspace's.
    publish(draft, team)
    assert client.get(_page(team, unpublished)).status_code == 200
    public_site_update(workspace=other_team.workspace, enabled=True, actor=other_team.admin)
    elsewhere = reverse(
        "public-capture", kwargs={"slug": other_team.workspace.slug, "pk": unpublished.pk}
    )
    assert client.get(elsewhere).status_code == 404

    # The site turned off: nothing public at all.
    public_site_update(workspace=team.workspace, enabled=False, actor=team.admin)
    assert client.get(_page(team, unpublished)).status_code == 404
