"""Jobs over the API and in the browser: start, watch, download; scoped to the workspace."""

import pytest
from rest_framework.test import APIClient

from app.jobs import runner
from app.jobs.models import Job, JobState
from app.members.tokens import api_token_create


def token_client(user, workspace) -> APIClient:
    client = APIClient()
    secret = api_token_create(workspace=workspace, actor=user, name="script").secret
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_the_api_starts_an_export_and_reports_its_progress_then_serves_the_file(team, claims):
    client = token_client(team.viewer, team.workspace)

    started = client.post(
        f"/api/v1/jobs/exports?workspace={team.workspace.slug}",
        {"format": "jsonl"},
        format="json",
    )
    assert started.status_code == 202, started.content
    body = started.json()
    assert (body["state"], body["done"], body["total"], body["download_url"]) == (
        "queued",
        0,
        None,
        None,
    )
    assert client.get(f"/api/v1/jobs/{body['id']}/download").status_code == 409

    runner.job_run(body["id"], last_attempt=False)

    done = client.get(f"/api/v1/jobs/{body['id']}").json()
    assert (done["state"], done["done"], done["total"], done["percent"]) == ("done", 12, 12, 100)
    download = client.get(done["download_url"])
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    lines = b"".join(download.streaming_content).decode("utf-8").splitlines()
    assert len(lines) == 12


def test_the_api_refuses_a_format_it_cannot_write_in_the_background(team):
    client = token_client(team.viewer, team.workspace)
    response = client.post(
        f"/api/v1/jobs/exports?workspace={team.workspace.slug}", {"format": "xml"}, format="json"
    )
    assert response.status_code == 400
    assert "format" in response.json()["error"]["fields"]
    assert not Job.objects.exists()


def test_another_workspace_never_sees_a_job(team, other_team, claims):
    job = runner.job_run(
        token_client(team.viewer, team.workspace)
        .post(f"/api/v1/jobs/exports?workspace={team.workspace.slug}", {}, format="json")
        .json()["id"],
        last_attempt=False,
    )
    outsider = token_client(other_team.admin, other_team.workspace)
    assert outsider.get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert outsider.get(f"/api/v1/jobs/{job.pk}/download").status_code == 404


def test_a_failed_job_shows_its_error(team, claims, monkeypatch):
    def broken(job):
        raise OSError("disk full")

    monkeypatch.setattr(runner, "_export", broken)
    client = token_client(team.editor, team.workspace)
    job_id = client.post(
        f"/api/v1/jobs/exports?workspace={team.workspace.slug}", {}, format="json"
    ).json()["id"]
    with pytest.raises(OSError):
        runner.job_run(job_id, last_attempt=True)
    body = client.get(f"/api/v1/jobs/{job_id}").json()
    assert (body["state"], body["error"]) == ("failed", "disk full")


def test_the_browser_starts_an_export_and_shows_a_progress_bar(client, team, claims):
    client.force_login(team.reviewer)
    response = client.post(f"/w/{team.workspace.slug}/jobs/export/", {"format": "csv"})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/w/{team.workspace.slug}/jobs/{job.pk}/"

    page = client.get(response["Location"]).content.decode()
    assert f'data-job-url="/api/v1/jobs/{job.pk}"' in page
    assert '<progress data-job-progress max="100" value="0"' in page
    assert "js/job_progress.js" in page

    runner.job_run(job.pk, last_attempt=False)
    page = client.get(response["Location"]).content.decode()
    assert 'value="100"' in page
    assert job.state == JobState.QUEUED  # the object we hold is stale; the page is not
    download = client.get(f"/w/{team.workspace.slug}/jobs/{job.pk}/download")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).count(b"\r\n") == 13


def test_the_export_page_offers_the_background_export_with_its_filters(client, team, claims):
    client.force_login(team.viewer)
    page = client.get(f"/w/{team.workspace.slug}/exports/").content.decode()
    assert f'formaction="/w/{team.workspace.slug}/jobs/export/"' in page

    client.post(
        f"/w/{team.workspace.slug}/jobs/export/",
        {"format": "jsonl", "status": "open", "created_from": "2025-01-01"},
    )
    assert Job.objects.get().params == {
        "format": "jsonl",
        "filters": {"status": "open", "created_from": "2025-01-01"},
        "bom": False,
    }


def test_a_format_the_background_cannot_write_is_refused_on_the_page(client, team):
    client.force_login(team.viewer)
    response = client.post(f"/w/{team.workspace.slug}/jobs/export/", {"format": "claimreview"})
    assert response.status_code == 400
    assert "Background exports are written as csv or jsonl" in response.content.decode()
    assert not Job.objects.exists()


def test_the_bulk_import_page_queues_the_uploaded_files(client, team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(team.reviewer)
    page = client.get(f"/w/{team.workspace.slug}/jobs/import/").content.decode()
    assert 'type="file" name="files" multiple' in page

    files = [
        SimpleUploadedFile(f"n{n}.txt", f"Note {n} about the mayor.\n".encode()) for n in (1, 2)
    ]
    response = client.post(f"/w/{team.workspace.slug}/jobs/import/", {"files": files})

    job = Job.objects.get()
    assert response["Location"] == f"/w/{team.workspace.slug}/jobs/{job.pk}/"
    assert [f["name"] for f in job.params["files"]] == ["n1.txt", "n2.txt"]


def test_the_bulk_import_page_refuses_other_file_types(client, team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(team.reviewer)
    response = client.post(
        f"/w/{team.workspace.slug}/jobs/import/",
        {"files": [SimpleUploadedFile("scan.pdf", b"%PDF-1.7")]},
    )
    assert response.status_code == 400
    assert "scan.pdf: not a .html, .htm or .txt file." in response.content.decode()
    assert not Job.objects.exists()
