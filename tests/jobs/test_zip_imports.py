"""A bulk import from a .zip, in the browser and over the API: the article files inside
become one job; an archive that tries to escape, hide or overflow is refused whole."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from app.articles.models import Article
from app.audit.models import AuditEvent
from app.jobs import runner, services
from app.jobs.models import Job, JobState
from app.members.tokens import api_token_create

pytestmark = pytest.mark.django_db

PAGE = (
    "<html><head><title>{0}</title></head>"
    "<body><article><h1>{0}</h1><p>{1}</p></article></body></html>"
)


def article(n: int) -> bytes:
    body = f"Report {n}: the mayor said ridership on line {n} rose by {n * 3} percent. " * 5
    return PAGE.format(f"Metro report {n}", body).encode()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


GOOD = {
    "archive/one.html": article(1),
    "archive/two.htm": article(2),
    "archive/nested/three.html": article(3),
    "__MACOSX/archive/._one.html": b"\x00\x05\x16\x07",
    "archive/.DS_Store": b"\x00\x00\x00\x01Bud1",
}


def api_client(user, workspace) -> APIClient:
    client = APIClient()
    secret = api_token_create(workspace=workspace, actor=user, name="script").secret
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def upload(client, team, data: bytes, name: str = "archive.zip"):
    return client.post(
        f"/api/v1/jobs/imports?workspace={team.workspace.slug}",
        {"files": [SimpleUploadedFile(name, data, content_type="application/zip")]},
        format="multipart",
    )


def test_the_api_takes_a_zip_and_imports_each_article_inside_once_even_when_retried(team):
    response = upload(api_client(team.reviewer, team.workspace), team, zipped(GOOD))

    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert sorted(f["name"] for f in job.params["files"]) == ["one.html", "three.html", "two.htm"]
    runner.job_run(job.pk, last_attempt=False)
    # A forced retry, as after a worker died just before marking the job done.
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    job = runner.job_run(job.pk, last_attempt=False)

    assert job.state == JobState.DONE
    assert Article.objects.filter(workspace=team.workspace).count() == 3
    assert AuditEvent.objects.filter(action="article.created").count() == 3


def test_the_bulk_import_page_takes_a_zip(client, team):
    client.force_login(team.reviewer)
    page = client.get(f"/w/{team.workspace.slug}/jobs/import/").content.decode()
    assert ".zip" in page

    response = client.post(
        f"/w/{team.workspace.slug}/jobs/import/",
        {"files": [SimpleUploadedFile("batch.zip", zipped(GOOD))]},
    )

    job = Job.objects.get()
    assert response["Location"] == f"/w/{team.workspace.slug}/jobs/{job.pk}/"
    assert len(job.params["files"]) == 3


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"../../etc/evil.html": article(1)}, "unsafe path ../../etc/evil.html"),
        ({"/abs/evil.html": article(1)}, "unsafe path /abs/evil.html"),
        ({"c:/windows/evil.html": article(1)}, "unsafe path c:/windows/evil.html"),
        ({"ok.html": article(1), "tool.exe": b"MZ"}, "tool.exe is not a .html, .htm or .txt"),
        ({"__MACOSX/._x.html": b"junk"}, "holds no .html, .htm or .txt file"),
    ],
)
def test_a_zip_with_a_bad_member_is_refused_and_nothing_is_stored(team, storage, members, expected):
    response = upload(api_client(team.reviewer, team.workspace), team, zipped(members))

    assert response.status_code == 400
    assert expected in str(response.json()["error"]["fields"]["files"])
    assert not Job.objects.exists()
    assert not (storage / "imports").exists()


def test_a_member_larger_than_an_article_may_be_is_refused(team, settings):
    settings.SANAD_IMPORT_MAX_BYTES = 1000
    # 100 kB of one letter compresses to a few hundred bytes: the upload is small.
    data = zipped({"big.html": b"<p>" + b"a" * 100_000 + b"</p>"})
    assert len(data) < 1000

    response = upload(api_client(team.reviewer, team.workspace), team, data)

    assert response.status_code == 400
    assert "big.html is larger than 1000 bytes" in str(response.json()["error"]["fields"])


def test_a_zip_with_too_many_files_is_refused(team, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_MAX_FILES", 2)
    response = upload(api_client(team.reviewer, team.workspace), team, zipped(GOOD))

    assert response.status_code == 400
    assert "At most 2 files per import." in str(response.json()["error"]["fields"])


def test_a_file_named_zip_that_is_not_one_is_refused(team):
    response = upload(api_client(team.reviewer, team.workspace), team, b"not a zip at all")

    assert response.status_code == 400
    assert "archive.zip is not a readable zip file." in str(response.json()["error"]["fields"])
