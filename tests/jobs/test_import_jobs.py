"""Bulk imports in the background: the API and `import_articles --background` queue one
job; the worker imports each file as the person who asked, and a retry duplicates nothing."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from app.articles.models import Article
from app.audit.models import AuditEvent
from app.jobs import runner
from app.jobs.models import Job, JobKind, JobState
from app.jobs.storage import storage_path
from app.members.tokens import api_token_create


def client_for(user, workspace) -> APIClient:
    client = APIClient()
    secret = api_token_create(workspace=workspace, actor=user, name="script").secret
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


FILES = [
    {"name": f"note-{n}.txt", "content": f"Note {n}: the mayor said ridership rose {n}%.\n"}
    for n in range(1, 6)
]


def post(client, team, files):
    return client.post(
        f"/api/v1/jobs/imports?workspace={team.workspace.slug}", {"files": files}, format="json"
    )


def test_the_api_queues_a_bulk_import_that_the_worker_runs_as_the_caller(team):
    client = client_for(team.reviewer, team.workspace)
    files = [*FILES, {"name": "bad.txt", "content": "   "}]

    response = post(client, team, files)

    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.kind, job.state, len(job.params["files"])) == (JobKind.IMPORT, "queued", 6)
    assert not Article.objects.exists()

    runner.job_run(job.pk, last_attempt=False)

    body = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert (body["state"], body["done"], body["total"], body["percent"]) == ("done", 6, 6, 100)
    assert body["summary"]["counts"] == {
        "imported": 5,
        "snapshot_added": 0,
        "unchanged": 0,
        "failed": 1,
    }
    assert body["summary"]["failed"][0]["file"] == "bad.txt"
    assert Article.objects.filter(workspace=team.workspace).count() == 5
    imported = AuditEvent.objects.filter(workspace=team.workspace, action="article.created")
    assert {event.actor_user_id for event in imported} == {team.reviewer.pk}
    # The uploaded copies are gone once the job is done.
    assert not any(storage_path(f["stored"]).exists() for f in job.params["files"])


def test_a_retry_after_a_crash_mid_import_makes_no_duplicates(team, monkeypatch):
    response = post(client_for(team.reviewer, team.workspace), team, FILES)
    job_id = response.json()["id"]
    real_finish = runner._finish

    def crash(*args, **kwargs):
        raise ConnectionError("worker lost its connection")

    monkeypatch.setattr(runner, "_finish", crash)
    with pytest.raises(ConnectionError):
        runner.job_run(job_id, last_attempt=False)
    assert Article.objects.count() == 5
    assert Job.objects.get(pk=job_id).state == JobState.QUEUED

    monkeypatch.setattr(runner, "_finish", real_finish)
    job = runner.job_run(job_id, last_attempt=False)

    assert job.state == JobState.DONE
    assert Article.objects.count() == 5
    assert job.summary["counts"]["unchanged"] == 5
    assert AuditEvent.objects.filter(action="article.created").count() == 5


def test_files_of_the_wrong_type_are_refused_before_anything_is_stored(team, storage):
    response = post(
        client_for(team.reviewer, team.workspace), team, [*FILES, {"name": "x.pdf", "content": "%"}]
    )
    assert response.status_code == 400
    assert "x.pdf" in str(response.json()["error"]["fields"])
    assert not Job.objects.exists()
    assert not (storage / "imports").exists()


def test_a_viewer_cannot_queue_an_import(team):
    assert post(client_for(team.viewer, team.workspace), team, FILES).status_code == 403


def test_import_articles_background_queues_one_job_for_the_folder(team, tmp_path, capsys):
    folder = tmp_path / "batch"
    folder.mkdir()
    for entry in FILES:
        (folder / entry["name"]).write_text(entry["content"], encoding="utf-8")

    call_command(
        "import_articles",
        str(folder),
        workspace=team.workspace.slug,
        username=team.reviewer.username,
        background=True,
    )

    job = Job.objects.get()
    assert f"Queued job {job.pk} for 5 file(s)" in capsys.readouterr().out
    assert not Article.objects.exists()
    runner.job_run(job.pk, last_attempt=False)
    assert Article.objects.count() == 5


def test_import_articles_background_needs_a_member_to_run_as(team, tmp_path):
    (tmp_path / "a.txt").write_text("Some text to import.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--as"):
        call_command(
            "import_articles", str(tmp_path), workspace=team.workspace.slug, background=True
        )
    assert not Job.objects.exists()
