"""The job's life through procrastinate's own worker: queued → running → done, or retried.

The queue is procrastinate's in-memory connector (its documented test double), the worker
its real one; the task runs in the worker's thread on its own database connection, so
these tests commit (`transactional_db`).
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from procrastinate import testing
from procrastinate.contrib.django import app as queue_app

from app.audit.models import AuditEvent
from app.jobs import runner
from app.jobs.models import Job, JobState
from app.jobs.services import job_start
from app.jobs.tasks import RETRY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue(monkeypatch):
    from django.db import connections

    # The worker's thread closes its connection after each task only when connections
    # are not kept (CONN_MAX_AGE); a kept one would outlive the test database.
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    connector = testing.InMemoryConnector()
    with queue_app.replace_connector(connector) as app:
        yield app, connector


def rows(connector):
    return [row for row in connector.jobs.values() if row["task_name"] == "sanad.run_job"]


def in_thread(function, *args, **kwargs):
    """Run where no event loop runs: the in-memory queue bridges async code with
    `async_to_sync`, which refuses a thread with a running loop (Playwright's, once the
    browser tests have run in this process)."""
    from django.db import connection

    def run():
        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def start(team):
    return in_thread(
        job_start, workspace=team.workspace, actor=team.editor, kind="export", params={}
    )


def run_worker(app):
    in_thread(app.run_worker, wait=False, install_signal_handlers=False, listen_notify=False)


def test_a_queued_export_is_run_by_the_worker_to_done(queue, team, claims):
    app, connector = queue
    job = start(team)
    assert [row["status"] for row in rows(connector)] == ["todo"]
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED

    run_worker(app)

    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.attempts) == (JobState.DONE, 12, 12, 1)
    assert [row["status"] for row in rows(connector)] == ["succeeded"]
    # The worker also runs periodic tasks that come due (an hourly checkpoint may land
    # in between): the job's own events, in order, are what this job is about.
    actions = list(
        AuditEvent.objects.filter(
            workspace=team.workspace,
            action__in=["job.queued", "export.created", "job.finished", "job.failed"],
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["job.queued", "export.created", "job.finished"]


def test_a_failing_job_is_rescheduled_with_backoff_and_its_error_shown(
    queue, team, claims, monkeypatch
):
    app, connector = queue

    def broken(job):
        raise ConnectionError("storage unreachable")

    monkeypatch.setattr(runner, "_export", broken)
    job = start(team)

    run_worker(app)

    job.refresh_from_db()
    assert (job.state, job.error, job.attempts) == (JobState.QUEUED, "storage unreachable", 1)
    (row,) = rows(connector)
    assert row["status"] == "todo" and row["attempts"] == 1
    assert row["scheduled_at"] is not None  # waits before the next attempt


def test_the_last_attempt_marks_the_job_failed(queue, team, claims, monkeypatch):
    app, connector = queue

    def broken(job):
        raise ConnectionError("storage unreachable")

    monkeypatch.setattr(runner, "_export", broken)
    job = start(team)
    (row,) = rows(connector)
    row["attempts"] = RETRY.max_attempts  # as if every earlier attempt had failed

    run_worker(app)

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert row["status"] == "failed"
    assert AuditEvent.objects.filter(workspace=team.workspace, action="job.failed").count() == 1


def test_a_job_whose_worker_was_killed_is_run_again_once(queue, team, claims):
    from asgiref.sync import async_to_sync

    from app.jobs.tasks import retry_stalled_jobs

    app, connector = queue
    job = start(team)
    (row,) = rows(connector)
    # A worker took it, marked it running and was killed (SIGKILL): no heartbeat since.
    row.update(status="doing", worker_id=404)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=1, done=5, total=12)

    assert in_thread(async_to_sync(retry_stalled_jobs), timestamp=0) == 1
    assert row["status"] == "todo"
    run_worker(app)

    job.refresh_from_db()
    assert (job.state, job.done, job.attempts) == (JobState.DONE, 12, 2)
    assert row["status"] == "succeeded"
    finished = AuditEvent.objects.filter(workspace=team.workspace, action="export.created")
    assert finished.count() == 1
