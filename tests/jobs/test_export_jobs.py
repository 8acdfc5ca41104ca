"""Background exports: queued with their event, run once, retried, reported."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from procrastinate.contrib.django.models import ProcrastinateJob

from app.audit.models import AuditEvent
from app.core.errors import NotFound
from app.jobs import runner
from app.jobs.models import Job, JobState
from app.jobs.services import job_start
from app.jobs.storage import storage_path


def start(team, actor=None, **params):
    return job_start(
        workspace=team.workspace, actor=actor or team.viewer, kind="export", params=params
    )


def events(team, action):
    return AuditEvent.objects.filter(workspace=team.workspace, action=action)


def test_starting_an_export_queues_one_job_with_its_event(team):
    job = start(team, format="jsonl")

    assert job.state == JobState.QUEUED
    # The queue's tables are unmanaged, so rows of earlier committed tests may remain.
    queued = ProcrastinateJob.objects.get(task_name="sanad.run_job", args__job_id=job.pk)
    assert queued.status == "todo"
    event = events(team, "job.queued").get()
    assert event.actor_user_id == team.viewer.pk
    assert event.after["format"] == "jsonl"


def test_an_unknown_format_is_refused_and_nothing_is_queued(team):
    queued = ProcrastinateJob.objects.count()
    with pytest.raises(ValidationError) as refused:
        start(team, format="xml")
    assert "format" in refused.value.message_dict
    assert not Job.objects.exists()
    assert ProcrastinateJob.objects.count() == queued


def test_a_member_of_another_workspace_cannot_start_one(team, other_team):
    with pytest.raises(NotFound):
        start(team, actor=other_team.admin)


def test_running_writes_the_file_counts_every_claim_and_records_as_the_starter(team, claims):
    job = start(team, format="csv")

    job = runner.job_run(job.pk, last_attempt=False)

    assert job.state == JobState.DONE
    assert (job.done, job.total, job.percent, job.attempts) == (12, 12, 100, 1)
    rows = list(csv.reader(io.StringIO(storage_path(job.result_file).read_text("utf-8"))))
    assert len(rows) == 13  # header + one per claim
    assert job.result_name.endswith(".csv")
    exported = events(team, "export.created").get()
    assert exported.actor_user_id == team.viewer.pk
    assert exported.after["job"] == job.pk
    assert events(team, "job.finished").get().actor_user_id == team.viewer.pk


def test_progress_is_reported_while_the_rows_go_by(team, claims, monkeypatch):
    seen = []
    real_report = runner._Counted.iterator

    def watching(self, chunk_size):
        for row in real_report(self, chunk_size=5):
            seen.append(Job.objects.values_list("done", "total").get())
            yield row

    monkeypatch.setattr(runner._Counted, "iterator", watching)
    job = start(team, format="jsonl")
    runner.job_run(job.pk, last_attempt=False)

    assert seen[0] == (0, 12)
    assert (5, 12) in seen and (10, 12) in seen
    assert Job.objects.get().done == 12


def test_a_forced_retry_of_a_finished_job_changes_nothing(team, claims):
    job = start(team)
    runner.job_run(job.pk, last_attempt=False)
    first = storage_path(Job.objects.get().result_file).read_bytes()
    trail = AuditEvent.objects.filter(workspace=team.workspace).count()

    again = runner.job_run(job.pk, last_attempt=False)

    assert again.attempts == 1
    assert AuditEvent.objects.filter(workspace=team.workspace).count() == trail
    assert storage_path(again.result_file).read_bytes() == first


def test_a_retry_after_a_worker_died_mid_export_writes_one_file_and_one_event(team, claims):
    job = start(team)
    # The worker was killed after claiming the job: the row says running, nothing is done.
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=1, done=5, total=12)

    job = runner.job_run(job.pk, last_attempt=False)

    assert (job.state, job.attempts, job.done) == (JobState.DONE, 2, 12)
    assert events(team, "export.created").count() == 1
    assert events(team, "job.finished").count() == 1
    folder = storage_path(job.result_file).parent
    assert [p.name for p in folder.iterdir()] == [storage_path(job.result_file).name]


def test_a_failure_is_retried_then_shown_to_the_starter_with_its_error(team, claims, monkeypatch):
    def broken(job):
        raise OSError("disk full")

    monkeypatch.setattr(runner, "_export", broken)
    job = start(team)

    with pytest.raises(OSError):
        runner.job_run(job.pk, last_attempt=False)
    job.refresh_from_db()
    assert (job.state, job.error, job.attempts) == (JobState.QUEUED, "disk full", 1)
    assert not events(team, "job.failed").exists()

    with pytest.raises(OSError):
        runner.job_run(job.pk, last_attempt=True)
    job.refresh_from_db()
    assert (job.state, job.error, job.attempts) == (JobState.FAILED, "disk full", 2)
    failed = events(team, "job.failed").get()
    assert failed.actor_user_id == team.viewer.pk
    assert not events(team, "export.created").exists()


def test_a_starter_removed_from_the_workspace_gets_no_export(team, claims):
    from app.members.services import member_deactivate
    from app.workspaces.models import Membership

    job = start(team)
    member_deactivate(
        membership=Membership.objects.get(workspace=team.workspace, user=team.viewer),
        actor=team.admin,
    )
    with pytest.raises(NotFound):
        runner.job_run(job.pk, last_attempt=True)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert not events(team, "export.created").exists()


def test_expired_export_files_are_removed(team, claims):
    import datetime as dt

    from django.utils import timezone

    job = runner.job_run(start(team).pk, last_attempt=False)
    path = storage_path(job.result_file)
    assert path.exists()

    assert runner.expired_exports_remove(now=timezone.now()) == 0
    later = timezone.now() + dt.timedelta(hours=25)
    assert runner.expired_exports_remove(now=later) == 1

    assert not path.exists()
    assert Job.objects.get().result_file == ""
