"""Job files through a storage that is not a folder (as S3 is): nothing assumes a path.

Django's InMemoryStorage stands in for the bucket: the same Storage API django-storages'
S3Storage implements, with no network. The settings that select S3 are in
tests/test_settings.py.
"""

import pytest
from django.core.files.storage import InMemoryStorage, storages
from rest_framework.test import APIClient

from app.articles.models import Article
from app.jobs import runner
from app.jobs.models import Job, JobState
from app.jobs.services import job_start
from app.jobs.storage import write_atomically
from app.members.tokens import api_token_create


@pytest.fixture
def bucket(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {"BACKEND": InMemoryStorage.__module__ + ".InMemoryStorage"},
    }
    storages._storages.pop("jobs", None)  # the handler caches backends by alias
    yield storages["jobs"]
    storages._storages.pop("jobs", None)


def _folder_is_empty(settings) -> bool:
    root = settings.SANAD_STORAGE_DIR
    return not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_an_export_is_written_to_and_downloaded_from_the_bucket(
    team, claims, bucket, settings, client
):
    job = job_start(
        workspace=team.workspace, actor=team.viewer, kind="export", params={"format": "jsonl"}
    )

    job = runner.job_run(job.pk, last_attempt=False)

    assert job.state == JobState.DONE
    assert bucket.exists(job.result_file)
    assert _folder_is_empty(settings)
    client.force_login(team.viewer)
    response = client.get(f"/api/v1/jobs/{job.pk}/download")
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content)
    with bucket.open(job.result_file, "rb") as stored:
        assert body == stored.read()
    assert body.count(b"\n") == 12


def test_an_import_reads_its_uploads_from_the_bucket_and_removes_them(team, bucket, settings):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION="Bearer "
        + api_token_create(workspace=team.workspace, actor=team.reviewer, name="s").secret
    )
    files = [
        {"name": f"n{n}.txt", "content": f"Note {n}: prices rose {n}% in a week.\n"}
        for n in range(3)
    ]

    response = client.post(
        f"/api/v1/jobs/imports?workspace={team.workspace.slug}", {"files": files}, format="json"
    )
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    stored = [f["stored"] for f in job.params["files"]]
    assert all(bucket.exists(name) for name in stored)
    assert _folder_is_empty(settings)

    runner.job_run(job.pk, last_attempt=False)

    assert Article.objects.filter(workspace=team.workspace).count() == 3
    assert not any(bucket.exists(name) for name in stored)


def test_writing_again_replaces_the_file_under_the_same_name(bucket):
    write_atomically("exports/1/job-1.csv", [b"old"])
    write_atomically("exports/1/job-1.csv", [b"new ", b"bytes"])

    with bucket.open("exports/1/job-1.csv", "rb") as stored:
        assert stored.read() == b"new bytes"
    assert bucket.listdir("exports/1") == ([], ["job-1.csv"])
